"""The paper's study: settings, trials, the runner, comparisons, baselines, summaries, Pareto, surrogate, teaching, reproduce."""
from gstk.study.baselines import (
    ALL_PROVIDERS,
    available_providers,
    baseline_solutions,
    baseline_table,
    best_solution,
    better,
    covers_unrestricted,
    inherit_unrestricted,
    monthly_operational_cost_usd,
    provider_sets,
    restricted_problem,
    solution_row,
    study_optimum,
    verified,
)
from gstk.study.comparison import (
    adopt_better_baseline,
    compare_networks,
    objective_comparison,
    run_unit,
    sensitivity,
    unit_tasks,
)
from gstk.study.figures import NetworkScenario, ground_tracks, network_scenario
from gstk.study.pareto import DEFAULT_CAP_FACTORS, non_dominated, pareto_front, pareto_study, with_cap
from gstk.study.reproduce import (
    COMMON_PARAMETERS,
    MANIFEST,
    NotebookResult,
    NotebookRun,
    add_reproduce_arguments,
    command_overrides,
    declared_parameters,
    manifest_entry,
    notebook_parameters,
    notebooks_dir,
    run_notebook,
    run_reproduce_command,
)
from gstk.study.runner import atomic_write, read_results, result_path, run_pool, sorted_results, write_table
from gstk.study.settings import (
    CONTACT_FIELDS,
    FAST_SEPARATION,
    NETWORKS,
    PROBLEMS,
    StudySettings,
    caption,
    study_constraints,
    study_objective,
    study_settings,
)
from gstk.study.summaries import (
    baseline_summary,
    comparison_ratios,
    comparison_summary,
    headline_ratios,
    solve_time_summary,
)
from gstk.study.surrogate import (
    WINDOW_METRICS,
    constellation,
    contact_statistics,
    evaluation_windows,
    fixed_network_problem,
    holes_s,
    long_contacts,
    out_of_sample,
    recommended_window_days,
    surrogate_window,
    window_statistics,
    window_summary,
)
from gstk.study.teaching import (
    EXAMPLE_TLE,
    coverage_table,
    daily_contact_minutes,
    example_satellites,
    ground_track_table,
    latitude_band_statistics,
    look_angle_table,
    named,
    orbit_in_frames,
    pass_statistics,
    position_in_frames,
    satellite_contact_statistics,
    station_row,
    teme_states,
    tle_fields,
    tle_lines,
    window,
)
from gstk.study.trial_files import reproduce_settings, trial_scenario
from gstk.study.trials import TrialInstance, load_catalog, resolve_tle_path, study_stations, trial_instance

__all__ = [
    "PROBLEMS", "NETWORKS", "FAST_SEPARATION", "StudySettings", "CONTACT_FIELDS", "study_constraints",
    "study_objective", "study_settings", "caption", "atomic_write", "result_path", "read_results", "run_pool",
    "sorted_results", "write_table", "TrialInstance", "load_catalog", "study_stations", "resolve_tle_path",
    "trial_instance", "ALL_PROVIDERS", "available_providers", "provider_sets", "restricted_problem",
    "verified", "study_optimum", "better", "baseline_solutions", "covers_unrestricted",
    "inherit_unrestricted", "best_solution", "monthly_operational_cost_usd", "solution_row", "baseline_table",
    "baseline_summary", "comparison_ratios", "comparison_summary", "solve_time_summary", "headline_ratios",
    "compare_networks", "adopt_better_baseline", "run_unit", "objective_comparison", "unit_tasks",
    "sensitivity", "ground_tracks", "NetworkScenario", "network_scenario", "trial_scenario",
    "reproduce_settings", "DEFAULT_CAP_FACTORS", "with_cap", "non_dominated", "pareto_front", "pareto_study",
    "WINDOW_METRICS", "holes_s", "contact_statistics", "window_statistics", "window_summary",
    "recommended_window_days", "constellation", "long_contacts", "surrogate_window", "fixed_network_problem",
    "evaluation_windows", "out_of_sample", "EXAMPLE_TLE", "example_satellites", "named", "tle_lines",
    "station_row", "window", "tle_fields", "teme_states", "orbit_in_frames", "position_in_frames",
    "ground_track_table", "look_angle_table", "coverage_table", "pass_statistics", "latitude_band_statistics",
    "satellite_contact_statistics", "daily_contact_minutes", "NotebookRun", "MANIFEST", "COMMON_PARAMETERS",
    "manifest_entry", "notebooks_dir", "declared_parameters", "notebook_parameters", "NotebookResult",
    "run_notebook", "add_reproduce_arguments", "command_overrides", "run_reproduce_command",
]
