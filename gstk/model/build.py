"""Assemble a cvxpy model from ModelData and specs (orchestration only, no math).

Order (style §3): variables -> linking (5)-(7) -> requested constraints ->
objective.  ``build_model`` records the build time and the model size.

Forms:

* ``linking='disaggregated'`` (default, formulation §3) or ``'aggregated'``
  (the paper's Σ_{c∈C_s} x_c <= |C_s| y_s rows, for benchmarks).
* ``compact=True`` (default) links y, z, w to x only when an objective term or
  a constraint uses them (max data under (11), (12) alone is a pure packing
  model in x), keeps the reverse "no idle" rows only when (17)-(19) reward a
  used station or provider, and adds capacity-cover rows to (8)/(9) under the
  cost objective.  The solution layer derives stations, providers and
  licences from x, so none of this changes a reported solution.
* ``StationContactExclusion(form='clique')`` puts y_s on the right-hand side of
  its clique rows when y is linked, which then imply x_c <= y_s at one-antenna
  stations: those rows of (5) are left out.
* ``MinMaxGap(form='dense')`` builds the paper's successor model as one MILP.
  ``MinMaxGap(form='exact')`` is solved by a search: ``build_model`` returns
  its first step, the constraints with no gap bound (``Model.form`` is
  'exact', ``Model.gap_search`` True) so callers can tell.  Two step models
  exist: :func:`build_gap_window_model` (min G on a window [L, U], form
  'window', for :class:`gstk.model.gap_search.GapWindowSearch`, which decomposes (14)
  over provider sets with :func:`restrict_to_providers`) and
  :func:`build_gap_feasibility_model` ("max gap <= G", form 'feasibility', for
  a bisection over :func:`gstk.model.gaps.gap_candidates_s`).

``Model.form`` says how a model is solved: 'milp' (one MILP of its objective:
(2), (3), or (4) dense), 'exact' (the search of (4)), 'window' (one MILP, min G
on a window) or 'feasibility' (one MILP, zero objective or a tie-break).
"""
from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from gstk.model import constraints as cons
from gstk.model import gap_dense as dense
from gstk.model import gaps
from gstk.model import linking as links
from gstk.model.data import ModelData
from gstk.model.objectives import OBJECTIVES
from gstk.model.variables import Variables, variables
from gstk.problem.specs import MaxContactGap, MinMaxGap, MinMissionCost, Spec, StationContactExclusion

log = logging.getLogger(__name__)

LINKING_FORMS = ("disaggregated", "aggregated")
#: How a Model is solved: one MILP of its objective, the exact (4) search, a window step, a feasibility step.
MODEL_FORMS = ("milp", "exact", "window", "feasibility")


@dataclass(eq=False)
class Model:
    """A built cvxpy model and what the solver layer needs to read its solution.

    ``objective_scale`` multiplies the solver's objective value to give USD
    (2), bits (3) or seconds (4).  ``form`` is one of :data:`MODEL_FORMS` (see
    the module docstring).  ``gap_s`` is the max-gap bound of a feasibility or
    window model.  ``warm_start`` optionally maps variable name -> values of a
    feasible point.
    """

    problem: cp.Problem
    variables: Variables
    constraints: dict[str, list[cp.Constraint]]
    data: ModelData
    objective: Spec
    constraint_specs: tuple[Spec, ...]
    build_time_s: float
    size: dict[str, int]
    objective_scale: float = 1.0
    sense: str = "min"
    linking: str = "disaggregated"
    gap_s: float | None = None
    form: str = "milp"
    warm_start: dict[str, np.ndarray] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.form not in MODEL_FORMS:
            raise ValueError(f"Model.form must be one of {MODEL_FORMS}, got {self.form!r}")

    @property
    def gap_search(self) -> bool:
        """True for the exact (4) model, whose optimum needs the window search (``form == 'exact'``)."""
        return self.form == "exact"


#: Builders whose rows may carry y_s on the right-hand side (then they also link x to y).
_STATION_LINKED = ("station_contact_exclusion", "max_antenna_utilization")
#: Builders that accept ``cover`` (capacity-cover rows on y and z, worth it with the cost objective).
_COVERABLE = ("min_constellation_downlink", "min_satellite_downlink")
_LINKS = ("contact_station_link", "station_provider_link", "contact_licence_link")


def constraint_rows(data: ModelData, v: Variables, spec: Spec, **options) -> list[cp.Constraint]:
    """Return the rows of one constraint spec (its builder is named ``spec.builder``)."""
    params = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    if spec.builder not in _COVERABLE:
        options.pop("cover", None)
    form = params.pop("form", None)
    name = spec.builder + ("_pairwise" if form == "pairwise" else "")
    if isinstance(spec, MaxContactGap):
        return gaps.max_contact_gap(data, v, **params)
    return getattr(cons, name)(data, v, **params, **options)


def _station_linked(spec: Spec) -> bool:
    return spec.builder in _STATION_LINKED and getattr(spec, "form", "clique") == "clique"


def paper_linking_rows(data: ModelData, v: Variables) -> dict[str, list]:
    """Return the paper's aggregated rows of (5)-(7)."""
    return {"contact_station_link": links.contact_station_link_aggregated(data, v),
            "station_provider_link": links.station_provider_link_aggregated(data, v),
            "contact_licence_link": links.contact_licence_link_aggregated(data, v)}


def linking_rows(data: ModelData, v: Variables, specs: tuple[Spec, ...], used: set[str],
                 idle: bool | None = None) -> dict[str, list]:
    """Return the disaggregated rows of (5)-(7) the model needs, given the variable families ``used``.

    (7) only when w is used (the cost objective), (6) when z is, (5) when y or
    z is; x_c <= y_s rows implied by station clique rows are left out.
    """
    idle = links.idle_rows_needed(specs) if idle is None else idle
    cliques = any(isinstance(s, StationContactExclusion) and s.form == "clique" for s in specs)
    implied = cons.station_link_implied(data) if cliques else None
    link_y = bool(used & {"y", "z"})
    return {
        "contact_station_link": links.contact_station_link(data, v, implied=implied, idle=idle) if link_y else [],
        "station_provider_link": links.station_provider_link(data, v, idle=idle) if "z" in used else [],
        "contact_licence_link": links.contact_licence_link(data, v, idle=idle) if "w" in used else [],
    }


def _families_used(v: Variables, expressions) -> set[str]:
    """Return which of y, z, w appear in the given constraints / objective expressions."""
    ids = {var.id for e in expressions for var in e.variables()}
    return {name for name in ("y", "z", "w") if getattr(v, name).id in ids}


def build_model(data: ModelData, objective: Spec, constraints: Iterable[Spec] = (), *,
                linking: str = "disaggregated", compact: bool = True) -> Model:
    """Return the model of ``objective`` under ``constraints`` (prefilter specs are skipped).

    Parameters
    ----------
    data : ModelData
        Contacts and coefficients after prefilters.
    objective : Spec
        MinMissionCost, MaxMissionData or MinMaxGap.
    constraints : iterable of Spec
        Constraint specs; prefilters are ignored (``data`` already applied them).
    linking : {'disaggregated', 'aggregated'}
        Form of (5)-(7); 'aggregated' is the paper's.
    compact : bool
        Link y, z, w only where an objective term or constraint uses them, and
        add capacity-cover rows to (8)/(9) under the cost objective (default).
        False builds every linking row of formulation §3 (for benchmarks).
    """
    if isinstance(objective, MinMaxGap) and objective.form == "exact":
        model = build_gap_feasibility_model(data, constraints, math.inf, objective.include_boundary,
                                            linking=linking)
        model.objective, model.form = objective, "exact"
        return model
    return _assemble(data, objective, tuple(constraints), linking=linking, compact=compact)


def build_gap_feasibility_model(data: ModelData, constraints: Iterable[Spec], gap_s: float,
                                include_boundary: bool = True, *, tie_break: Spec | None = None,
                                linking: str = "disaggregated") -> Model:
    """Return the model "max gap <= gap_s" under ``constraints``: rows (13), zero objective.

    One step of the exact min-max-gap search.  ``tie_break`` (an objective
    spec such as MinMissionCost) replaces the zero objective, e.g. to pick the
    cheapest schedule at the optimal gap.  An infinite ``gap_s`` adds no rows.
    """
    specs = tuple(s for s in constraints if not _dominated_gap(s, gap_s, include_boundary))
    if math.isfinite(gap_s):
        specs += (MaxContactGap(gap_s=gap_s, include_boundary=include_boundary),)
    model = _assemble(data, tie_break, specs, linking=linking)
    model.gap_s, model.form = gap_s, "feasibility"
    return model


def build_gap_window_model(data: ModelData, constraints: Iterable[Spec], lower_s: float, upper_s: float,
                           include_boundary: bool = True) -> Model:
    """Return the exact (4) model on a window: min G, lower_s <= G <= upper_s, under ``constraints``.

    Rows (13) at ``upper_s`` plus :func:`gstk.model.gaps.max_gap_window`.  Its
    optimum is the optimum of (4) whenever that lies in [lower_s, upper_s]
    (e.g. lower_s from :func:`gstk.model.gap_search.gap_lower_bound_s`, upper_s the
    max gap of any feasible schedule); it is infeasible iff no schedule has max
    gap <= upper_s.  One MILP, no successor binaries.
    """
    specs = tuple(s for s in constraints if not _dominated_gap(s, upper_s, include_boundary))
    specs += (MaxContactGap(gap_s=upper_s, include_boundary=include_boundary),)
    t0 = time.perf_counter()
    model = _assemble(data, None, specs, linking="disaggregated",
                      window=(float(lower_s), float(upper_s), include_boundary))
    # the objective it serves is exact (4); form 'window' tells gstk.solve to solve this one MILP
    model.objective, model.gap_s, model.form = MinMaxGap(include_boundary=include_boundary), upper_s, "window"
    model.build_time_s = time.perf_counter() - t0
    return model


def restrict_to_providers(data: ModelData, providers: Iterable[str]) -> ModelData:
    """Return ``data`` keeping only the contacts at stations of ``providers`` (index sets unchanged).

    Stations, providers and licence pairs keep their indices, so a solution of
    the restricted model maps back one to one; they simply have no contacts.
    Used to decompose (14) over provider sets.
    """
    wanted = [data.provider_ids.index(p) for p in providers]
    return restrict_to_contacts(data, np.isin(data.provider_of_station[data.station_of_contact], wanted))


def restrict_to_contacts(data: ModelData, keep: np.ndarray) -> ModelData:
    """Return ``data`` keeping only the contacts where ``keep`` is True (index sets unchanged)."""
    idx = np.flatnonzero(keep)
    per_contact = ("aos_s", "los_s", "duration_s", "satellite_of_contact", "station_of_contact", "pair_of_contact",
                   "rate_bps", "volume_bit", "contact_cost_usd")
    changes = {name: getattr(data, name)[idx] for name in per_contact}
    changes["contacts"] = data.contacts.iloc[idx].reset_index(drop=True)
    return dataclasses.replace(data, **changes)


def _dominated_gap(spec: Spec, gap_s: float, include_boundary: bool) -> bool:
    """Return whether ``spec`` is a MaxContactGap implied by the bound gap_s of the same convention."""
    return (isinstance(spec, MaxContactGap) and spec.include_boundary == include_boundary
            and spec.gap_s >= gap_s)


def _assemble(data: ModelData, objective: Spec | None, specs: tuple[Spec, ...], *, linking: str,
              window: tuple[float, float, bool] | None = None, compact: bool = True) -> Model:
    """Return the Model of an objective (None: zero) and constraint specs.

    Variables -> linking (5)-(7) -> constraints -> objective.  With
    disaggregated linking, the linking rows are chosen after the other rows are
    known: y, z and w are linked to x only when an objective term or a
    constraint uses them, and station clique rows carry y_s on their
    right-hand side only then.
    """
    if linking not in LINKING_FORMS:
        raise ValueError(f"linking must be one of {LINKING_FORMS}, got {linking!r}")
    t0 = time.perf_counter()
    specs = tuple(s for s in specs if s.kind == "constraint")
    dense_gap = isinstance(objective, MinMaxGap)
    if dense_gap and objective.form != "dense":
        raise ValueError("an exact MinMaxGap is solved by a search: use build_model or build_gap_window_model")
    v = variables(data)
    if dense_gap:
        v.extras.update(dense.dense_gap_variables(data, objective.include_boundary))
    if window is not None:
        v.extras["G"] = cp.Variable(nonneg=True, name="G")
    rows: dict[str, list] = {name: [] for name in _LINKS}
    cover = isinstance(objective, MinMissionCost) and linking == "disaggregated" and compact
    for spec in specs:
        if not _station_linked(spec):
            rows.setdefault(spec.builder, []).extend(constraint_rows(data, v, spec, cover=cover))
    if dense_gap:
        rows["max_gap_successor"] = dense.max_gap_successor(data, v, include_boundary=objective.include_boundary)
    if window is not None:
        lower, upper, boundary = window
        rows["max_gap_window"] = gaps.max_gap_window(data, v, lower_s=lower, upper_s=upper, include_boundary=boundary)
        objective = MinMaxGap(include_boundary=boundary)
    expression, sense, scale = OBJECTIVES[objective.builder] if objective is not None else (None, "min", 1.0)
    target = (0.0 * cp.sum(v.x) if data.n_contacts else cp.Constant(0.0)) if expression is None \
        else expression(data, v)  # a zero objective still names x, so SCIP sees every contact
    used = _families_used(v, [target, *(c for group in rows.values() for c in group)]) if compact else {"y", "z", "w"}
    link_station = bool(used & {"y", "z"}) or linking == "aggregated"
    for spec in specs:
        if _station_linked(spec):
            rows.setdefault(spec.builder, []).extend(constraint_rows(data, v, spec, link_station=link_station))
    if linking == "aggregated":
        rows.update(paper_linking_rows(data, v))
    else:
        rows.update(linking_rows(data, v, specs, used | ({"y"} if link_station else set()), idle=not compact or None))
    goal = cp.Maximize(target) if sense == "max" else cp.Minimize(target)
    problem = cp.Problem(goal, [c for group in rows.values() for c in group])
    size = model_size(problem)
    log.debug("built %s: %s in %.2f s", getattr(objective, "builder", "feasibility"), size, time.perf_counter() - t0)
    return Model(problem=problem, variables=v, constraints=rows, data=data, objective=objective,
                 constraint_specs=specs, build_time_s=time.perf_counter() - t0, size=size,
                 objective_scale=scale, sense=sense, linking=linking)


def model_size(problem: cp.Problem) -> dict[str, int]:
    """Return n_variables, n_constraints (rows) and nonzeros of the matrix SCIP receives.

    Compiles the problem for SCIP once; cvxpy caches the compiled program, so a
    later ``problem.solve(solver=cp.SCIP, ...)`` does not compile it again.
    """
    if not problem.variables():
        return {"n_variables": 0, "n_constraints": 0, "nonzeros": 0}
    data, _, _ = problem.get_problem_data(cp.SCIP)
    matrix = data["A"]
    return {"n_variables": int(matrix.shape[1]), "n_constraints": int(matrix.shape[0]),
            "nonzeros": int(matrix.nnz)}
