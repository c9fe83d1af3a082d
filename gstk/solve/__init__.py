"""Solving with SCIP or HiGHS: options, one run, one model, decomposition, min max gap, diagnosis, the windowed
heuristic, entry points."""
from gstk.solve.api import cheapest_start, optimize, solve
from gstk.solve.decompose import solve_decomposed, use_decomposition
from gstk.solve.diagnosis import (
    available_volume_bit,
    conflict_sentence,
    conflicting_constraints,
    constellation_downlink_shortfalls,
    contact_count_shortfalls,
    describe,
    diagnose,
    is_feasible,
    missing_provider,
    missing_station,
    monthly_cost_conflicts,
    necessary_condition_failures,
    provider_count_conflicts,
    provider_exclusion_reason,
    satellite_downlink_shortfalls,
    station_count_conflicts,
    station_exclusion_reason,
    uncovered_stretches,
)
from gstk.solve.greedy import (
    CoverProblem,
    cover_contacts,
    cover_problem,
    drop_stations,
    greedy_cover,
    mission_cost_usd,
    polished,
    reverse_delete,
    station_fixed_cost_usd,
)
from gstk.solve.milp import (
    MAX_DATA_SCIP_PARAMS,
    branch_priorities,
    default_scip_params,
    gap_include_boundary,
    model_constraints,
    model_objective,
    model_size,
    problem_dict,
    selection_of,
    set_start_values,
    solve_model,
    start_from_selection,
)
from gstk.solve.min_max_gap import solve_min_max_gap_exact
from gstk.solve.options import SolverOptions, TimeBudget
from gstk.solve.scip import (
    SCIP_LIMIT_STATUSES,
    ScipRun,
    emphasis_params,
    options_parameters,
    run_scip,
    scip_parameters,
    status_from_scip,
    status_message,
)
from gstk.solve.windowed import METHODS, WindowedSettings, matched_stations, solve_built, solve_windowed

__all__ = [
    "SolverOptions", "TimeBudget", "SCIP_LIMIT_STATUSES", "status_from_scip", "status_message",
    "scip_parameters", "options_parameters", "ScipRun", "run_scip", "MAX_DATA_SCIP_PARAMS", "model_objective",
    "model_constraints", "gap_include_boundary", "model_size", "problem_dict", "solve_model",
    "default_scip_params", "set_start_values", "selection_of", "start_from_selection",
    "CoverProblem", "cover_problem", "mission_cost_usd", "greedy_cover", "station_fixed_cost_usd",
    "cover_contacts", "reverse_delete", "drop_stations", "cheapest_start", "use_decomposition",
    "solve_decomposed", "solve_min_max_gap_exact", "diagnose", "describe", "necessary_condition_failures",
    "available_volume_bit", "satellite_downlink_shortfalls", "constellation_downlink_shortfalls",
    "contact_count_shortfalls", "missing_provider", "missing_station", "station_exclusion_reason",
    "provider_exclusion_reason", "station_count_conflicts", "provider_count_conflicts", "uncovered_stretches",
    "monthly_cost_conflicts", "conflicting_constraints", "is_feasible", "conflict_sentence", "solve",
    "solve_built", "optimize", "polished", "METHODS", "WindowedSettings", "solve_windowed", "matched_stations",
    "emphasis_params", "branch_priorities",
]
