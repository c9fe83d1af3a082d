"""A solve's result: status, certificate, selection tables and their rendering."""
from gstk.solution.render import format_bits, format_percent, format_seconds, format_usd
from gstk.solution.result import Solution, Status, relative_gap
from gstk.solution.tables import (
    CONTACT_COLUMNS,
    CONTACT_UNITS,
    max_gap_by_satellite_s,
    max_gap_s,
    objective_value,
    selection_tables,
    taken_contacts,
    usage_table,
)

__all__ = [
    "CONTACT_COLUMNS", "CONTACT_UNITS", "max_gap_s", "max_gap_by_satellite_s", "selection_tables",
    "objective_value", "taken_contacts", "usage_table", "format_usd", "format_bits", "format_seconds",
    "format_percent", "Status", "Solution", "relative_gap",
]
