"""Max data (3) under at most N providers (14), decomposed over provider sets.

Every solution uses at most N providers, so it lies inside one maximal
provider set of :func:`gstk.model.provider_sets.provider_choices`: the optimum is the
best over those sets of the model restricted to the set's contacts
(:func:`gstk.model.build.restrict_to_providers`, all other constraints kept,
(14) then implied).  Each set has a cheap upper bound: with one link per
satellite (12), the sum over satellites of their heaviest chain of
non-overlapping contacts (weighted interval scheduling); otherwise the volume
of all the set's contacts.  Sets are visited best bound first and skipped once
their bound cannot beat the best solution found.

A set whose model is a packing model (:func:`gstk.solve.relaxation.packing_form`:
the exclusion rows alone, no cost row that can bind) is bounded by its LP
relaxation, far tighter than the chain bound when many satellites share
stations, and rounded at once to a feasible selection (:data:`LP_BOUNDS`).  The
sets whose LP bound still beats the best selection are then closed best LP
bound first: the LP point is rounded component by component
(:func:`gstk.solve.relaxation.round_lp`), and only a set still open after that
gets its MILP, started from the rounding.  Any other set gets its MILP
directly.  So a fleet of 37 ICEYE satellites is certified within 0.1 % by
LPs alone, and 96 Flock satellites get a certified gap of about 1 % where one
MILP per set did not finish (``benchmarks/bench_scale.py``).

:func:`use_decomposition` decides (``decompose="auto"``): decompose when (14)
leaves more than one set and the monthly cap (10) cannot bind, since a binding
cap makes the set bounds weak (benchmark: 200 s against 29 s for one MILP).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
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
from gstk.solve.relaxation import PackingForm, greedy_rounding, lp_bound, packing_form, round_lp


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
    run = _Runs(data, bounds=provider_set_volume_bounds(data, constraints), rel_gap=options.rel_gap or 0.0)
    pending: list[_OpenSet] = []
    for position, (bound, chosen) in enumerate(run.sets):
        if not run.may_beat(bound):
            run.settle(bound, skipped=True)
            continue
        if budget.expired():
            run.stop([bound, *(b for b, _ in run.sets[position + 1:])])
            break
        model = build_model(restrict_to_providers(data, [data.provider_ids[p] for p in chosen]), objective, kept)
        inside = np.flatnonzero(np.isin(provider, chosen))
        started = time.perf_counter()
        form = packing_form(model) if LP_BOUNDS else None
        relaxed = lp_bound(form, budget) if form is not None else None
        if relaxed is None:  # not a packing model, or the LP did not finish: the set's MILP
            if not run.solve(model, options, budget, inside, bound):
                run.stop([b for b, _ in run.sets[position + 1:]])
                break
            continue
        run.n_lp += 1
        run.n_solves += 1
        run.build_time_s += model.build_time_s
        lp_value, x_lp = relaxed
        bound = min(bound, lp_value)
        pruned = not run.may_beat(bound)  # by its LP bound alone
        if not pruned:
            run.offer(form, greedy_rounding(form, x_lp), inside)
        run.solve_time_s += time.perf_counter() - started
        if run.may_beat(bound):
            pending.append(_OpenSet(bound, model, form, x_lp, inside))
        else:
            run.settle(bound, skipped=pruned)
    else:
        _close_open_sets(run, sorted(pending, key=lambda o: -o.bound), options, budget)
        return _result(data, objective, constraints, run)
    run.stop([o.bound for o in pending])
    return _result(data, objective, constraints, run)


#: Bound and round every packing provider set by its LP relaxation before any MILP (:mod:`gstk.solve.relaxation`).
LP_BOUNDS = True


@dataclass
class _OpenSet:
    """A provider set whose LP bound still beats the best selection: what closing it needs."""

    bound: float
    model: Any
    form: PackingForm
    x_lp: np.ndarray
    inside: np.ndarray


def _close_open_sets(run: "_Runs", pending: list[_OpenSet], options: SolverOptions, budget: TimeBudget) -> None:
    """Close the sets whose LP bound beats the best selection, best bound first.

    Each is rounded component by component (:func:`gstk.solve.relaxation.round_lp`);
    a set still open after that gets its MILP, started from the rounding.
    """
    for i, open_set in enumerate(pending):
        if not run.may_beat(open_set.bound):
            run.settle(open_set.bound, skipped=True)
            continue
        if budget.expired():
            run.stop([o.bound for o in pending[i:]])
            return
        started = time.perf_counter()
        take = round_lp(open_set.form, open_set.x_lp, budget)
        run.offer(open_set.form, take, open_set.inside)
        run.solve_time_s += time.perf_counter() - started
        if not run.may_beat(open_set.bound):
            run.settle(open_set.bound)
            continue
        if budget.expired():
            run.stop([o.bound for o in pending[i:]])
            return
        open_set.model.variables.x.value = take.astype(float)
        if not run.solve(open_set.model, options, budget, open_set.inside, open_set.bound):
            run.stop([o.bound for o in pending[i + 1:]])
            return


class _Runs:
    """Progress of the decomposition: best selection, settled and open bounds, totals."""

    def __init__(self, data: ModelData, bounds, rel_gap: float = 0.0):
        self.data, self.sets, self.rel_gap = data, bounds, rel_gap
        self.best_value: float | None = None
        self.best_x: np.ndarray | None = None
        self.settled: list[float] = []
        self.stopped: float | None = None
        self.solved = self.skipped = self.n_solves = self.n_lp = self.n_variables = self.n_constraints = 0
        self.build_time_s = self.solve_time_s = 0.0
        self.last_status = ""

    def may_beat(self, bound: float) -> bool:
        """Return whether a set with this bound may still beat the best selection by more than the gap."""
        return self.best_value is None or bound > self.best_value * (1 + self.rel_gap) + 1e-9

    def settle(self, bound: float, *, skipped: bool = False) -> None:
        """Record a set closed with this bound (skipped: without a MILP or a rounding of its own)."""
        self.settled.append(bound)
        self.skipped += int(skipped)

    def stop(self, open_bounds) -> None:
        """Record that the budget ran out with sets of these bounds still open."""
        self.stopped = max([*open_bounds, *([self.stopped] if self.stopped is not None else [])], default=None)
        if self.stopped is None:
            self.stopped = self.best_value

    def offer(self, form: PackingForm, take: np.ndarray, inside: np.ndarray) -> None:
        """Keep the rounded selection ``take`` of a set (its contacts ``inside``) if it is the best so far."""
        self._keep(form.value(take.astype(float)), take, inside)

    def solve(self, model, options: SolverOptions, budget: TimeBudget, inside: np.ndarray, bound: float) -> bool:
        """Solve one set's MILP; return False when it stopped at a limit (the rest then stays open)."""
        sol = solve_model(model, options, budget)
        self.solved += 1
        self.n_solves += sol.n_solves
        self.build_time_s += sol.build_time_s
        self.solve_time_s += sol.solve_time_s
        self.n_variables, self.n_constraints = max(self.n_variables, sol.n_variables), \
            max(self.n_constraints, sol.n_constraints)
        self.last_status = sol.solver_status
        if sol.status.has_solution and model.variables.x.value is not None:
            self._keep(sol.objective, np.asarray(model.variables.x.value).ravel() > 0.5, inside)
        if sol.status is Status.OPTIMAL:
            self.settle(min(bound, sol.bound if sol.bound is not None else sol.objective))
        elif sol.status is not Status.INFEASIBLE:  # a limit or an error
            self.stop([bound if sol.bound is None else min(bound, sol.bound)])
            return False
        return True

    def _keep(self, value: float, take: np.ndarray, inside: np.ndarray) -> None:
        if self.best_value is None or value > self.best_value:
            x = np.zeros(self.data.n_contacts, bool)
            x[inside] = take
            self.best_value, self.best_x = value, x


def _result(data, objective, constraints, run: _Runs) -> Solution:
    """Return the Solution of the decomposition: the best set's selection with the overall bound."""
    if run.best_x is None:
        status, bound = (Status.NO_SOLUTION if run.stopped is not None else Status.INFEASIBLE), None
    else:
        status = Status.FEASIBLE if run.stopped is not None else Status.OPTIMAL
        bound = max([run.best_value, *run.settled] + ([run.stopped] if run.stopped is not None else []))
    solution = Solution.from_selection(
        data, run.best_x, status=status, objective_name=objective.builder, sense=objective.sense, bound=bound,
        build_time_s=run.build_time_s, solve_time_s=run.solve_time_s, n_variables=run.n_variables,
        n_constraints=run.n_constraints, problem=problem_dict(objective, constraints), n_solves=run.n_solves,
        solver_status=f"provider-sets:{run.last_status or 'lp'}",
    )
    if status is Status.OPTIMAL and solution.gap is not None and solution.gap <= 1e-9:
        solution = replace(solution, bound=solution.objective, gap=0.0)
    detail = (f"max data by provider sets: {len(run.sets)} set(s), {run.n_lp} LP bound(s), {run.solved} MILP(s), "
              f"{run.skipped} skipped by their bound")
    verdict = {Status.OPTIMAL: "proven optimal" if solution.gap in (0.0, None) else
               f"optimal within relative gap {100 * solution.gap:.2f}%",
               Status.FEASIBLE: f"a limit was reached; the best solution found is kept but not proven optimal "
                                f"(relative gap {100 * (solution.gap or 0.0):.2f}%)",
               Status.NO_SOLUTION: "a limit was reached before any feasible solution was found",
               Status.INFEASIBLE: "the model is infeasible: no selection satisfies every constraint"}[status]
    return replace(solution, message=f"{verdict} ({detail})")
