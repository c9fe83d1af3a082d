"""The integer program of formulation.md in cvxpy: data, variables, rows, objectives, build."""
from gstk.model.build import (
    LINKING_FORMS,
    MODEL_FORMS,
    Model,
    build_gap_feasibility_model,
    build_gap_window_model,
    build_model,
    constraint_rows,
    linking_rows,
    model_size,
    paper_linking_rows,
    restrict_to_providers,
)
from gstk.model.cliques import incidence_rows, maximal_cliques, overlapping_pairs, split_cliques
from gstk.model.constraints import (
    DIRECT_WINDOW_OVERLAP,
    capacity_cover_rows,
    downlink_rows,
    max_antenna_utilization,
    max_monthly_cost,
    max_providers,
    min_constellation_downlink,
    min_contacts_per_period,
    min_satellite_downlink,
    overlap_atoms,
    per_satellite_rows,
    required_provider,
    required_station,
    satellite_cliques,
    satellite_contact_exclusion,
    satellite_contact_exclusion_pairwise,
    satellite_padded_los_s,
    start_atoms,
    station_cliques,
    station_contact_exclusion,
    station_contact_exclusion_pairwise,
    station_count,
    station_link_implied,
    station_padded_los_s,
    unsatisfiable,
    window_atoms,
    window_rows,
    window_volumes,
)
from gstk.model.data import ModelData
from gstk.model.gap_dense import dense_gap_variables, max_gap_successor, successor_pairs
from gstk.model.gap_search import (
    WINDOW_STEP,
    GapWindowSearch,
    chain_schedule,
    exact_min_max_gap,
    gap_lower_bound_s,
    provider_set_bounds,
)
from gstk.model.gaps import (
    TIME_TOL_S,
    bottleneck_chain,
    coverage_lower_bound_s,
    gap_candidates_s,
    index_ranges,
    longest_uncovered_s,
    max_contact_gap,
    max_gap_by_satellite_s,
    max_gap_window,
    satellite_orders,
    search_min_max_gap,
    window_row_matrix,
)
from gstk.model.linking import (
    contact_licence_link,
    contact_licence_link_aggregated,
    contact_station_link,
    contact_station_link_aggregated,
    idle_rows_needed,
    station_provider_link,
    station_provider_link_aggregated,
)
from gstk.model.objectives import OBJECTIVES, max_gap, mission_cost, mission_data
from gstk.model.provider_sets import (
    cap_can_bind,
    heaviest_chain_bit,
    monthly_cost_upper_bound_usd,
    provider_choices,
    provider_set_volume_bounds,
)
from gstk.model.variables import Variables, contact_taken, provider_used, satellite_licensed, station_used

__all__ = [
    "ModelData", "Variables", "contact_taken", "station_used", "provider_used", "satellite_licensed",
    "maximal_cliques", "overlapping_pairs", "incidence_rows", "split_cliques", "satellite_cliques",
    "station_padded_los_s", "satellite_padded_los_s", "idle_rows_needed", "contact_station_link",
    "station_provider_link", "contact_licence_link", "contact_station_link_aggregated",
    "station_provider_link_aggregated", "contact_licence_link_aggregated", "unsatisfiable",
    "per_satellite_rows", "window_atoms", "overlap_atoms", "start_atoms", "window_rows", "window_volumes",
    "DIRECT_WINDOW_OVERLAP", "downlink_rows", "capacity_cover_rows", "min_constellation_downlink",
    "min_satellite_downlink", "max_monthly_cost", "station_cliques", "station_link_implied",
    "station_contact_exclusion", "station_contact_exclusion_pairwise", "satellite_contact_exclusion",
    "satellite_contact_exclusion_pairwise", "max_providers", "min_contacts_per_period", "required_provider",
    "required_station", "station_count", "max_antenna_utilization", "OBJECTIVES", "max_gap", "mission_cost",
    "mission_data", "TIME_TOL_S", "satellite_orders", "max_gap_by_satellite_s", "gap_candidates_s",
    "index_ranges", "window_row_matrix", "max_contact_gap", "max_gap_window", "search_min_max_gap",
    "bottleneck_chain", "longest_uncovered_s", "coverage_lower_bound_s", "gap_lower_bound_s", "WINDOW_STEP",
    "provider_set_bounds", "chain_schedule", "exact_min_max_gap", "GapWindowSearch", "successor_pairs",
    "dense_gap_variables", "max_gap_successor", "monthly_cost_upper_bound_usd", "provider_set_volume_bounds",
    "heaviest_chain_bit", "provider_choices", "cap_can_bind", "LINKING_FORMS", "MODEL_FORMS", "Model",
    "constraint_rows", "paper_linking_rows", "linking_rows", "build_model", "build_gap_feasibility_model",
    "build_gap_window_model", "restrict_to_providers", "model_size",
]
