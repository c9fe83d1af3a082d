"""The solver entry points: :func:`solve` a built model, :func:`optimize` a problem.

Both take the solver options as keywords, validate them once into a
:class:`~gstk.solve.options.SolverOptions` and start one
:class:`~gstk.solve.options.TimeBudget`: ``time_limit_s`` covers every solve of
the call (the provider-set decomposition, the min-max-gap search) and the
infeasibility diagnosis.  A solve always returns: infeasibility and hit limits
are statuses, not exceptions.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.problem.definition import Problem
from gstk.solution.result import Solution, Status
from gstk.solve.decompose import solve_decomposed, use_decomposition
from gstk.solve.diagnosis import diagnose as explain
from gstk.solve.greedy import cover_problem, greedy_cover, mission_cost_usd, polished
from gstk.solve.milp import selection_of, start_from_selection
from gstk.solve.options import SolverOptions, TimeBudget
from gstk.solve.windowed import METHODS, WindowedSettings, solve_built, solve_windowed


def solve(model, *, options: SolverOptions | None = None, **solver_options: Any) -> Solution:
    """Solve ``model`` with SCIP and return its :class:`~gstk.solution.Solution`; never raises on outcomes.

    Parameters
    ----------
    model : gstk.model.build.Model
        From :func:`gstk.model.build.build_model`.  An exact ``MinMaxGap`` objective
        (``Model.form == 'exact'``) is solved by window models over provider sets
        (:func:`gstk.solve.min_max_gap.solve_min_max_gap_exact`).
    options : SolverOptions, optional
        Validated options; keyword options given as well override its fields.
    **solver_options
        Those of :class:`~gstk.solve.options.SolverOptions`: ``time_limit_s`` (wall clock,
        seconds, for all solves of the call), ``rel_gap`` (stop when |primal - dual| /
        min(|primal|, |dual|) <= rel_gap; such a stop is OPTIMAL with its gap), ``threads``,
        ``seed``, ``scip_params`` (override the rest and, for max data without a binding
        cost cap, :data:`gstk.solve.milp.MAX_DATA_SCIP_PARAMS`) and ``warm_start``.

    Returns
    -------
    Solution
        Status, objective and bound in natural units (USD, bits, seconds), gap,
        times, model size and the selection with its tables.
    """
    options = SolverOptions.from_kwargs(options, **solver_options)
    return solve_built(model, options, TimeBudget(options.time_limit_s))


def cheapest_start(data: ModelData, problem: Problem, start_from: Solution | None, options: SolverOptions,
                   budget: TimeBudget) -> np.ndarray | None:
    """Return the start selection of a solve: ``start_from``'s, or the greedy cover's when that is cheaper.

    With a time limit a greedy start is then polished by SCIP on its own stations
    (:func:`gstk.solve.greedy.polished`) within a share of what the budget has left; a
    given start that is cheaper is used as it is (``bench_study.py``: polishing it
    cost the unrestricted network 5 % at 20 s).
    """
    given = selection_of(data, start_from)
    cover = cover_problem(data, problem.objective, problem.constraints) if options.greedy_start else None
    if cover is None:
        return given
    built = greedy_cover(cover)
    start = given if built is None or (given is not None and mission_cost_usd(data, given) <= mission_cost_usd(
        data, built)) else built
    if start is not built or budget.limit_s is None:  # a given start is not polished: SCIP keeps the time
        return start
    return polished(data, problem.objective, problem.constraints, start, options, budget)


def optimize(contacts: pd.DataFrame, problem: Problem, *, start=None, end=None, diagnose: bool = True,
             decompose: Any = "auto", start_from: Solution | None = None, options: SolverOptions | None = None,
             method: str = "exact", windowed: WindowedSettings | None = None, progress: bool = False,
             **solver_options: Any) -> Solution:
    """Build and solve ``problem`` on ``contacts``; explain an infeasible result in ``message``.

    ``ModelData.from_problem`` + ``build_model`` + :func:`solve`.  Max data (3)
    with at most N providers (14) may instead be solved by provider sets
    (:func:`gstk.solve.decompose.solve_decomposed`, exact): ``decompose='auto'``
    (default) does so when (14) leaves several sets and the monthly cap (10)
    cannot bind, True always (max data only), False never.  The exact
    min-max gap (4) always works by provider sets.  ``start_from`` is a
    solution (of this problem or a restricted one) handed to SCIP as a warm
    start (by ``contact_id``; ignored by the provider-set searches).  Min cost (2)
    under the downlink floor (9) can also get the constructive cover of
    :mod:`gstk.solve.greedy` as a start (option ``greedy_start=True``), the cheaper of
    the two, polished on its own stations within a share of the time limit.  When the
    result is INFEASIBLE and ``diagnose`` is True,
    :func:`gstk.solve.diagnosis.diagnose` names the conflicting constraints in
    ``solution.message``, within what is left of ``time_limit_s``.
    ``options`` and ``solver_options`` are those of :func:`solve`.

    ``method="windowed"`` runs the heuristic of Kim et al. (2025) instead
    (:mod:`gstk.solve.windowed`, parameters ``windowed``, a progress bar over its
    subproblems with ``progress``): a FEASIBLE network without a bound, to compare with
    the exact method's bound.

    Examples
    --------
    >>> sol = optimize(contacts, problem, time_limit_s=60)  # doctest: +SKIP
    >>> sol.raise_for_status().cost_breakdown["total"]      # doctest: +SKIP
    """
    options = SolverOptions.from_kwargs(options, **solver_options)
    if method not in METHODS:
        raise GstkError(f"unknown method {method!r}; expected one of {list(METHODS)}")
    if windowed is not None and not isinstance(windowed, WindowedSettings):
        raise GstkError(f"windowed must be a gstk.solve.WindowedSettings, got {type(windowed).__name__}")
    budget = TimeBudget(options.time_limit_s)
    data = ModelData.from_problem(contacts, problem, start=start, end=end)
    if method == "windowed":
        solution = solve_windowed(data, problem, options, budget, windowed, progress=progress)
    elif use_decomposition(data, problem.objective, problem.constraints, decompose):
        solution = solve_decomposed(data, problem.objective, problem.constraints, options, budget)
    else:
        model = build_model(data, problem.objective, problem.constraints)
        if options.warm_start:
            start = cheapest_start(data, problem, start_from, options, budget)
            if start is not None:
                start_from_selection(model, start)
        solution = solve_built(model, options, budget)
    solution = replace(solution, problem=problem.spec_dicts())
    if diagnose and solution.status is Status.INFEASIBLE:
        findings = explain(data, problem, contacts=contacts, budget=budget, seed=options.seed)
        solution = replace(solution, message=f"{solution.message}. Diagnosis: " + " ".join(
            f"{i}. {text}." if len(findings) > 1 else f"{text}." for i, text in enumerate(findings, 1)))
    return solution
