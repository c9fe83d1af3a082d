"""The problem of formulation.md: specs, the Problem, prefilters, costs, periods, the window."""
from gstk.problem.costs import (
    COST_MODELS,
    COST_TERMS,
    check_cost_model,
    contact_cost_usd,
    mission_cost_breakdown_usd,
    mission_months,
    monthly_operational_cost_usd,
    monthly_weight,
    surrogate_scale,
)
from gstk.problem.definition import PROVIDER_COLUMNS, SATELLITE_COLUMNS, STATION_COLUMNS, STATION_PRICE_COLUMNS, Problem
from gstk.problem.operations import OPERATION_COLUMNS, satellite_slew_s, station_turnaround_s
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.problem.prefilters import (
    allowed_providers,
    apply_prefilters,
    min_contact_duration,
    required_bands,
    station_outages,
    station_status,
)
from gstk.problem.specs import (
    CONSTRAINTS,
    OBJECTIVES,
    PREFILTERS,
    SPEC_TYPES,
    STATUSES,
    AllowedProviders,
    MaxAntennaUtilization,
    MaxContactGap,
    MaxMissionData,
    MaxMonthlyCost,
    MaxProviders,
    MinConstellationDownlink,
    MinContactDuration,
    MinContactsPerPeriod,
    MinMaxGap,
    MinMissionCost,
    MinSatelliteDownlink,
    RequiredBands,
    RequiredProvider,
    RequiredStation,
    SatelliteContactExclusion,
    Spec,
    StationContactExclusion,
    StationCount,
    StationOutages,
    StationStatus,
    spec_from_dict,
)
from gstk.problem.window import contact_keys, sim_window

__all__ = [
    "STATUSES", "Spec", "MinMissionCost", "MaxMissionData", "MinMaxGap", "MinConstellationDownlink",
    "MinSatelliteDownlink", "MaxMonthlyCost", "StationContactExclusion", "SatelliteContactExclusion",
    "MaxContactGap", "MaxProviders", "MinContactsPerPeriod", "RequiredProvider", "RequiredStation",
    "StationCount", "MaxAntennaUtilization", "MinContactDuration", "AllowedProviders", "RequiredBands",
    "StationStatus", "StationOutages", "station_outages", "OPERATION_COLUMNS", "station_turnaround_s",
    "satellite_slew_s", "OBJECTIVES", "CONSTRAINTS", "PREFILTERS", "SPEC_TYPES", "spec_from_dict",
    "STATION_PRICE_COLUMNS", "STATION_COLUMNS", "PROVIDER_COLUMNS", "SATELLITE_COLUMNS", "Problem",
    "min_contact_duration", "allowed_providers", "required_bands", "station_status", "apply_prefilters",
    "COST_TERMS", "contact_cost_usd", "mission_months", "surrogate_scale", "mission_cost_breakdown_usd",
    "monthly_operational_cost_usd", "COST_MODELS", "check_cost_model", "monthly_weight", "period_starts_s", "overlap_s", "contact_keys", "sim_window",
]
