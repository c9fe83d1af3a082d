"""Max data (3) under at most N providers (14), decomposed over provider sets.

Every solution uses at most N providers, so it lies inside one maximal
provider set of :func:`gstk.model.provider_sets.provider_choices`: the optimum is the
best over those sets of the model restricted to the set's contacts
(:func:`gstk.model.build.restrict_to_providers`, all other constraints kept,
(14) then implied).  Each set has a cheap upper bound: with one link per
satellite (12), the sum over satellites of their heaviest chain of
non-overlapping contacts (weighted interval scheduling); otherwise the volume
of all the set's contacts.  Sets are solved best bound first and skipped once
their bound cannot beat the best solution found, so usually only a few small
MILPs run instead of one large one.

:func:`use_decomposition` decides (``decompose="auto"``): decompose when (14)
leaves more than one set and the monthly cap (10) cannot bind, since a binding
cap makes the set bounds weak (benchmark: 200 s against 29 s for one MILP).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from gstk.errors import GstkError
from gstk.model.build import build_model, restrict_to_providers
from gstk.model.data import ModelData
from gstk.model.provider_sets import cap_can_bind, provider_choices, provider_set_volume_bounds
from gstk.problem.specs import MaxMissionData, MaxProviders, Spec
from gstk.solution.result import Solution, Status
from gstk.solve.milp import problem_dict, solve_model
from gstk.solve.options import SolverOptions, TimeBudget


def use_decomposition(data: ModelData, objective: Spec, constraints, decompose: Any = "auto") -> bool:
    """Return whether to solve max data by provider sets (``decompose`` is 'auto', True or False).

    True forces it for max data (an error for other objectives); 'auto' uses it
    for max data when (14) leaves more than one provider set and the monthly
    cost (10) of any selection within N providers stays under every cap.
    """
    if not (decompose is True or decompose is False or decompose == "auto"):
        raise GstkError(f"decompose must be 'auto', True or False, got {decompose!r}")
    if decompose is False:
        return False
    if not isinstance(objective, MaxMissionData):
        if decompose is True:
            raise GstkError(f"decompose=True applies to MaxMissionData; the objective is {type(objective).__name__}")
        return False
    constraints = tuple(constraints)
    if decompose is True:
        return True
    if not any(isinstance(s, MaxProviders) for s in constraints) or len(provider_choices(data, constraints)) < 2:
        return False
    return not cap_can_bind(data, constraints)


def solve_decomposed(data: ModelData, objective: Spec, constraints, options: SolverOptions,
                     budget: TimeBudget) -> Solution:
    """Return the max-data optimum as the best over provider sets (see the module docstring).

    ``budget`` covers every solve; at a limit the best solution so far is
    FEASIBLE with the largest bound of the sets not yet settled.
    ``options.rel_gap`` also skips sets whose bound is within it of the best.
    """
    constraints = tuple(s for s in constraints if s.kind == "constraint")
    kept = tuple(s for s in constraints if not isinstance(s, MaxProviders))
    provider = data.provider_of_station[data.station_of_contact]
    run = _Runs(data, bounds=provider_set_volume_bounds(data, constraints))
    for position, (bound, chosen) in enumerate(run.sets):
        if run.best is not None and bound <= run.best.objective * (1 + (options.rel_gap or 0.0)) + 1e-9:
            run.skipped += 1
            run.settled.append(bound)
            continue
        model = build_model(restrict_to_providers(data, [data.provider_ids[p] for p in chosen]), objective, kept)
        sol = solve_model(model, options, budget)
        run.add(sol, model, np.flatnonzero(np.isin(provider, chosen)))
        if sol.status is Status.OPTIMAL:
            run.settled.append(sol.bound if sol.bound is not None else sol.objective)
        elif sol.status is not Status.INFEASIBLE:  # a limit or an error: the rest stays open
            open_bound = bound if sol.bound is None else min(bound, sol.bound)
            run.stopped = max([open_bound, *(b for b, _ in run.sets[position + 1:])])
            break
    return _result(data, objective, constraints, run)


class _Runs:
    """Progress of the decomposition: best set solution and its selection, settled bounds, totals."""

    def __init__(self, data: ModelData, bounds):
        self.data, self.sets = data, bounds
        self.best: Solution | None = None
        self.best_x: np.ndarray | None = None
        self.settled: list[float] = []
        self.stopped: float | None = None
        self.solved = self.skipped = self.n_solves = self.n_variables = self.n_constraints = 0
        self.build_time_s = self.solve_time_s = 0.0
        self.last_status = ""

    def add(self, sol: Solution, model, inside: np.ndarray) -> None:
        """Record one set's solution; keep it (as a selection of the full data) if it is the best."""
        self.solved += 1
        self.n_solves += sol.n_solves
        self.build_time_s += sol.build_time_s
        self.solve_time_s += sol.solve_time_s
        self.n_variables, self.n_constraints = max(self.n_variables, sol.n_variables), \
            max(self.n_constraints, sol.n_constraints)
        self.last_status = sol.solver_status
        if sol.status.has_solution and (self.best is None or sol.objective > self.best.objective):
            value = model.variables.x.value
            x = np.zeros(self.data.n_contacts, bool)
            if value is not None:
                x[inside] = np.asarray(value).ravel() > 0.5
            self.best, self.best_x = sol, x


def _result(data, objective, constraints, run: _Runs) -> Solution:
    """Return the Solution of the decomposition: the best set's selection with the overall bound."""
    if run.best is None:
        status, bound = (Status.NO_SOLUTION if run.stopped is not None else Status.INFEASIBLE), None
    else:
        status = Status.FEASIBLE if run.stopped is not None else Status.OPTIMAL
        bound = max([run.best.objective, *run.settled] + ([run.stopped] if run.stopped is not None else []))
    solution = Solution.from_selection(
        data, run.best_x, status=status, objective_name=objective.builder, sense=objective.sense, bound=bound,
        build_time_s=run.build_time_s, solve_time_s=run.solve_time_s, n_variables=run.n_variables,
        n_constraints=run.n_constraints, problem=problem_dict(objective, constraints), n_solves=run.n_solves,
        solver_status=f"provider-sets:{run.last_status}",
    )
    if status is Status.OPTIMAL and solution.gap is not None and solution.gap <= 1e-9:
        solution = replace(solution, bound=solution.objective, gap=0.0)
    detail = (f"max data by provider sets: {len(run.sets)} set(s), {run.solved} solved, "
              f"{run.skipped} skipped by their volume bound")
    verdict = {Status.OPTIMAL: "proven optimal" if solution.gap in (0.0, None) else
               f"optimal within relative gap {100 * solution.gap:.2f}%",
               Status.FEASIBLE: f"a limit was reached; the best solution found is kept but not proven optimal "
                                f"(relative gap {100 * (solution.gap or 0.0):.2f}%)",
               Status.NO_SOLUTION: "a limit was reached before any feasible solution was found",
               Status.INFEASIBLE: "the model is infeasible: no selection satisfies every constraint"}[status]
    return replace(solution, message=f"{verdict} ({detail})")
