"""Solve the exact min-max-gap objective (4) with window models over provider sets (formulation §5).

:func:`solve_min_max_gap_exact` is what :func:`gstk.solve.solve` runs for a
``MinMaxGap(form='exact')`` model:

1. the model as built (every constraint, no gap rows, zero objective): infeasible
   there means the other constraints conflict; otherwise its schedule's max gap
   is the first upper bound;
2. :class:`gstk.model.gap_search.GapWindowSearch`: for each provider set (14) allows,
   best lower bound first, window models min G on [L, U]
   (:func:`gstk.model.build.build_gap_window_model` on the data restricted to
   the set), warm-started with each satellite's best chain of contacts.

No O(n^2) successor binaries, and usually one window MILP per promising set.
A time limit covers all solves; when it stops the search, the best schedule
is returned as FEASIBLE with the search's lower bound and the gap between them.
"""
from __future__ import annotations

import logging
import math
from dataclasses import replace
from typing import Any

import numpy as np

from gstk.model.build import build_gap_window_model, restrict_to_providers
from gstk.model.gap_search import GapWindowSearch
from gstk.model.gaps import TIME_TOL_S
from gstk.problem.specs import MaxProviders
from gstk.solution.result import Solution, Status
from gstk.solution.tables import max_gap_by_satellite_s
from gstk.solve.milp import (
    default_scip_params,
    model_constraints,
    model_objective,
    model_size,
    problem_dict,
    set_start_values,
)
from gstk.solve.options import SolverOptions, TimeBudget
from gstk.solve.scip import options_parameters, run_scip, status_message

log = logging.getLogger(__name__)

class _WindowRuns:
    """The SCIP side of the search: runs each model, keeps the best schedule, times and sizes."""

    def __init__(self, model, params: dict[str, Any], budget: TimeBudget):
        self.data, self.params, self.budget = model.data, dict(params), budget
        self.include = model_objective(model).include_boundary
        self.kept = tuple(s for s in model_constraints(model) if not isinstance(s, MaxProviders))
        self.best_x: np.ndarray | None = None
        self.best_gap_s = math.inf
        self.n_solves, self.build_time_s, self.solve_time_s, self.size = 0, 0.0, 0.0, (0, 0)
        self.last_scip_status, self.errors = "", []

    def _params(self) -> dict[str, Any] | None:
        """Return the SCIP parameters of the next solve, its time limit cut to what is left (None: no time)."""
        params = dict(self.params)
        remaining = self.budget.remaining_s()
        if remaining is not None:
            if remaining <= 0:
                return None
            params["limits/time"] = remaining
        return params

    def run(self, model, params: dict[str, Any] | None):
        """Solve one model; return its ScipRun, or None when no time is left."""
        if params is None:
            self.last_scip_status = "timelimit"
            return None
        run = run_scip(model.problem, model.variables.x, params)
        self.n_solves += 1
        self.solve_time_s += run.wall_time_s
        self.size = max(self.size, model_size(model))
        self.last_scip_status = run.scip_status
        if run.error and run.status is Status.ERROR:
            self.errors.append(run.error)
        return run

    def offer(self, x: np.ndarray) -> float:
        """Keep schedule ``x`` (bool per contact of the full data) if its max gap is the best; return its gap."""
        d = self.data
        gap = float(max_gap_by_satellite_s(d.aos_s[x], d.los_s[x], d.satellite_of_contact[x], len(d.satellite_ids),
                                           d.sim_duration_s, include_boundary=self.include).max(initial=0.0))
        if gap < self.best_gap_s:
            self.best_gap_s, self.best_x = gap, x
        return gap

    def first(self, model):
        """Step 1: solve the model without gap rows; return its ScipRun (None: out of time)."""
        params = self._params()
        if params is not None:
            params.pop("limits/gap", None)  # a zero objective: the first feasible point answers
        run = self.run(model, params)
        if run is not None and run.x is not None:
            self.offer(run.x > 0.5)
        return run

    def window(self, chosen, lower_s: float, upper_s: float, start):
        """The ``solve_window`` callback of GapWindowSearch: (status, gap s, bound s)."""
        d = self.data
        sub = restrict_to_providers(d, [d.provider_ids[p] for p in chosen])
        inside = np.isin(d.provider_of_station[d.station_of_contact], chosen)
        model = build_gap_window_model(sub, self.kept, lower_s, upper_s, self.include)
        self.build_time_s += model.build_time_s
        if start is not None and sub.n_contacts:
            set_start_values(model, {"x": start[inside].astype(float)})
        run = self.run(model, self._params())
        log.debug("gap window [%.1f, %.1f] s on %s: %s", lower_s, upper_s, chosen,
                  "no time left" if run is None else run.scip_status)
        if run is None or run.status is Status.ERROR:
            return "stopped", None, None
        if run.status is Status.INFEASIBLE:
            return "infeasible", None, None
        gap = None
        if run.x is not None:
            x = np.zeros(d.n_contacts, bool)
            x[np.flatnonzero(inside)] = run.x > 0.5
            gap = self.offer(x)
        bound = None if run.dual is None else max(lower_s, run.dual * model.objective_scale)
        if bound is not None and gap is not None:
            bound = min(bound, gap)  # G is in hours: the float bound may sit a few microseconds above
        return ("optimal" if run.status is Status.OPTIMAL else "stopped"), gap, bound


def solve_min_max_gap_exact(model, options: SolverOptions, budget: TimeBudget) -> Solution:
    """Return the exact optimum of (4): the model without gap rows first, then window models per provider set.

    ``model`` is the exact (4) model of :func:`gstk.model.build.build_model`
    (``Model.form == 'exact'``).  ``budget`` covers every solve;
    ``options.rel_gap`` stops when (best - lower bound) / best <= rel_gap.
    """
    rel_gap = options.rel_gap
    params = options_parameters(options, time_limit_s=None, defaults=default_scip_params(
        model_objective(model), data=model.data, constraints=model_constraints(model)))
    objective = model_objective(model)
    runs = _WindowRuns(model, params, budget)
    first = runs.first(model)
    if runs.best_x is None:
        status = Status.NO_SOLUTION if first is None else first.status
        if status in (Status.OPTIMAL, Status.FEASIBLE):
            status = Status.ERROR
        reason = "no time left" if first is None else status_message(first.scip_status, status)
        return _solution(model, runs, None, status, None, f"without gap rows: {reason}"
                         + (f"; {runs.errors[-1]}" if runs.errors else ""))
    search = GapWindowSearch(model.data, model_constraints(model), objective.include_boundary,
                             upper_s=runs.best_gap_s, rel_gap=rel_gap)
    search.run(runs.window)
    lower = min(search.lower_bound_s(), runs.best_gap_s)
    # sets are skipped when their bound is within TIME_TOL_S of the best: that close counts as proven
    proven = search.finished and (rel_gap is not None or runs.best_gap_s - lower <= TIME_TOL_S)
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    providers = "+".join(model.data.provider_ids[p] for p in search.best_set) if search.best_set else \
        "the first schedule"
    detail = (f"{len(search.sets)} provider set(s), {search.skipped} skipped by their lower bound, "
              f"{len(search.windows)} window model(s); best max gap {runs.best_gap_s:.3f} s on {providers}, "
              f"lower bound {lower:.3f} s")
    if not proven:
        detail += f"; stopped by a limit (SCIP status '{runs.last_scip_status}')"
    return _solution(model, runs, runs.best_x, status, lower, detail, snap=proven and rel_gap is None)


def _solution(model, runs: _WindowRuns, x, status: Status, bound: float | None, detail: str, *,
              snap: bool = False) -> Solution:
    objective, constraints = model_objective(model), model_constraints(model)
    solution = Solution.from_selection(
        model.data, x, status=status, objective_name=objective.builder, sense=objective.sense, bound=bound,
        include_boundary=runs.include, build_time_s=float(model.build_time_s) + runs.build_time_s,
        solve_time_s=runs.solve_time_s, n_variables=runs.size[0], n_constraints=runs.size[1],
        problem=problem_dict(objective, constraints), n_solves=runs.n_solves,
        solver_status=f"gap-windows:{runs.last_scip_status}",
    )
    if snap and solution.objective is not None:
        solution = _replace(solution, bound=solution.objective, gap=0.0)
    head = f"exact min-max-gap: {runs.n_solves} SCIP solve(s)"
    if status is Status.OPTIMAL:
        head += " proven optimal" if solution.gap in (0.0, None) else \
            f" optimal within relative gap {100 * solution.gap:.2f}%"
    elif status is Status.FEASIBLE:
        head += f"; a limit was reached, the best schedule is kept but not proven optimal " \
                f"(relative gap {100 * (solution.gap or 0.0):.2f}%)"
    return _replace(solution, message=f"{head}: {detail}")


def _replace(solution: Solution, **changes) -> Solution:
    return replace(solution, **changes)
