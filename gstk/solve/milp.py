"""Solve one built model (one MILP) with SCIP or HiGHS and return its Solution."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import numpy as np

from gstk.errors import GstkError
from gstk.model.data import ModelData
from gstk.model.provider_sets import cap_can_bind
from gstk.problem.specs import MaxContactGap, MaxMissionData, MinMaxGap, Spec
from gstk.solution.result import Solution, Status
from gstk.solve.options import SolverOptions, TimeBudget
from gstk.solve.highs import highs_options, run_highs
from gstk.solve.scip import options_parameters, run_scip

log = logging.getLogger(__name__)


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


# ----------------------------------------------------------------------------- one model
def solve_model(model, options: SolverOptions, budget: TimeBudget) -> Solution:
    """Solve one built MILP with SCIP or HiGHS (``options.solver``) within ``budget``; never raises on outcomes.

    ``options`` are validated solver options (:class:`~gstk.solve.options.SolverOptions`);
    max data (3) without a binding cost cap runs with :data:`MAX_DATA_SCIP_PARAMS` under
    ``options.scip_params``.  With ``options.warm_start``, ``Model.warm_start`` (variable
    name -> values) and the current values of the model's cvxpy variables go to SCIP as a
    start (a partial one, finished by SCIP's ``completesol`` heuristic, when incomplete).
    """
    objective, constraints = model_objective(model), model_constraints(model)
    if options.warm_start and getattr(model, "warm_start", None):
        set_start_values(model, model.warm_start)
    run = run_solver(model, options, budget, objective, constraints)
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
        n_solves=1, solver_status=run.solver_status,
    )
    solution = _snap_optimal(solution)
    message = run.message(status, solution.gap)
    if run.error and not status.has_solution and status is not Status.NO_SOLUTION:
        message += f"; {run.error}"
    if run.primal is not None and solution.objective is not None:
        _check_objective(run.primal * scale, solution.objective, objective.builder)
    return replace(solution, message=message)


def run_solver(model, options: SolverOptions, budget: TimeBudget, objective: Spec, constraints):
    """Run the backend ``options.solver`` names on the model within what ``budget`` has left."""
    if options.solver == "highs":
        params = highs_options(options, time_limit_s=budget.remaining_s())
        return run_highs(model.problem, model.variables.x, params, warm_start=options.warm_start)
    params = options_parameters(options, time_limit_s=budget.remaining_s(), defaults=default_scip_params(
        objective, data=getattr(model, "data", None), constraints=constraints))
    return run_scip(model.problem, model.variables.x, params, warm_start=options.warm_start,
                    priorities=branch_priorities(model.variables) if options.branch_priority else None)


def branch_priorities(v) -> dict:
    """Return SCIP branching priorities: providers z, then stations y, then licences w, before contacts x."""
    return {v.z: 3, v.y: 2, v.w: 1}


def default_scip_params(objective: Spec, *, data=None, constraints=()) -> dict[str, Any]:
    """Return gstk's default SCIP parameters for ``objective`` (the options' own go over them).

    Max data (3) gets :data:`MAX_DATA_SCIP_PARAMS` unless a monthly cost cap
    (10) can bind (then SCIP's defaults were faster: 26.5 s against 38.7 s on
    the 10-satellite benchmark with a 250 k$ cap).  Without ``data`` the cap is
    assumed to bind.
    """
    tuned = isinstance(objective, MaxMissionData) and not cap_can_bind(data, constraints)
    return dict(MAX_DATA_SCIP_PARAMS) if tuned else {}


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
    proven = solution.solver_status in ("optimal", "highs:kOptimal")
    if solution.status is Status.OPTIMAL and proven and solution.objective is not None:
        if solution.gap is None or solution.gap <= _OPTIMAL_SNAP:
            return replace(solution, bound=solution.objective, gap=0.0)
    return solution


def _check_objective(model_value: float, recomputed: float, name: str) -> None:
    if abs(model_value - recomputed) > 1e-6 * max(1.0, abs(recomputed)):
        log.info("objective %s: solver value %.9g differs from the value %.9g recomputed from the rounded "
                 "selection (rebuilt y, z, w or slack G)", name, model_value, recomputed)


def selection_of(data: ModelData, solution: Solution | None) -> np.ndarray | None:
    """Return the contacts of ``data`` that ``solution`` takes (by ``contact_id``), or None when it takes none."""
    if solution is None or not solution.status.has_solution or solution.contacts.empty:
        return None
    x = np.isin(data.contacts["contact_id"].to_numpy(str), solution.contacts["contact_id"].to_numpy(str))
    return x if x.any() else None


def start_from_selection(model, x: np.ndarray) -> None:
    """Put selection ``x`` (bool per contact) into the model's variables as a warm start; y, z, w follow by (5)-(7)."""
    data: ModelData = model.data
    v = model.variables
    y, z, w = data.used_by(x)
    for var, values in ((v.x, x), (v.y, y), (v.z, z), (v.w, w)):
        if var.size:
            var.value = values.astype(float)
