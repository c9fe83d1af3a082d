"""Scenario files: the schema, loading and saving, seeded random scenarios."""
from gstk.scenario.files import Scenario, load_scenario, read_scenario_dict, scenario_from_parts
from gstk.scenario.random import random_scenario
from gstk.scenario.schema import (
    ELEMENT_KEYS,
    FRIENDLY_UNITS,
    PROVIDER_PRICE_KEYS,
    SELECT_KEYS,
    SHARED_TLE_TOKEN,
    SOLVER_KEYS,
    SOURCE_KINDS,
    STATION_PRICE_KEYS,
    TOP_KEYS,
    apply_price_layers,
    apply_satellite_rates,
    canonical_units,
    check_mapping,
    check_number,
    check_string,
    key_error,
    parse_prices,
    parse_satellite_rates,
    parse_satellite_source,
    parse_solver,
    parse_spec,
    parse_station_filter,
    parse_window,
    resolve_path,
)

__all__ = [
    "FRIENDLY_UNITS", "SHARED_TLE_TOKEN", "TOP_KEYS", "SOURCE_KINDS", "SELECT_KEYS", "ELEMENT_KEYS",
    "STATION_PRICE_KEYS", "PROVIDER_PRICE_KEYS", "SOLVER_KEYS", "key_error", "check_number", "check_string",
    "check_mapping", "canonical_units", "parse_spec", "parse_window", "parse_satellite_source",
    "parse_satellite_rates", "parse_station_filter", "parse_prices", "parse_solver", "resolve_path",
    "apply_price_layers", "apply_satellite_rates", "Scenario", "load_scenario", "read_scenario_dict",
    "scenario_from_parts", "random_scenario",
]
