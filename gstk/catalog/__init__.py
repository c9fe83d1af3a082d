"""The ground-station catalog: the bundled table, its errata, and Table 1 prices."""
from gstk.catalog.errata import SAME_SITE_KM, SHARED_SITES, apply_errata, catalog_issues, load_errata, printed_table3
from gstk.catalog.prices import TABLE1, draw_prices, price_ranges
from gstk.catalog.stations import (
    DEFAULT_ANTENNAS,
    KNOWN_BANDS,
    OPTIONAL_DEFAULTS,
    REQUIRED_COLUMNS,
    SITE_DECIMALS,
    STATUSES,
    load_stations,
    parse_bands,
    providers,
    station_schema,
)

__all__ = [
    "STATUSES", "KNOWN_BANDS", "DEFAULT_ANTENNAS", "REQUIRED_COLUMNS", "OPTIONAL_DEFAULTS", "SITE_DECIMALS",
    "station_schema", "parse_bands", "load_stations", "providers", "SHARED_SITES", "SAME_SITE_KM",
    "printed_table3", "load_errata", "apply_errata", "catalog_issues", "TABLE1", "price_ranges", "draw_prices",
]
