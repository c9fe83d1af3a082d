"""How a :class:`~gstk.solution.Solution` reads: money, data, time and percent text, and its HTML view."""
from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import pandas as pd

from gstk.solution_tables import CONTACT_COLUMNS
from gstk.units import BITS_PER_GB, BITS_PER_TB, SECONDS_PER_HOUR, SECONDS_PER_MINUTE

if TYPE_CHECKING:
    from gstk.solution import Solution

__all__ = ["iso_utc", "format_usd", "format_bits", "format_seconds", "format_percent", "solution_html"]


def iso_utc(value: pd.Timestamp) -> str:
    """Return a timestamp as ISO-8601 UTC text ending in ``Z`` (naive means UTC)."""
    value = pd.Timestamp(value)
    value = value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")
    return value.isoformat().replace("+00:00", "Z")


def format_usd(usd: float | None) -> str:
    """Return '$1.23M'-style money text."""
    if usd is None or not math.isfinite(usd):
        return "n/a"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(usd) >= scale:
            return f"${usd / scale:.2f}{suffix}"
    return f"${usd:.0f}"


def format_bits(bits: float | None) -> str:
    """Return '4.5 TB' / '12.3 GB' text (1 TB = 1e12 bytes)."""
    if bits is None or not math.isfinite(bits):
        return "n/a"
    if abs(bits) >= 1000 * BITS_PER_TB:
        return f"{bits / BITS_PER_TB:,.0f} TB"
    if abs(bits) >= BITS_PER_TB:
        return f"{bits / BITS_PER_TB:.3g} TB"
    return f"{bits / BITS_PER_GB:.3g} GB"


def format_seconds(seconds: float | None) -> str:
    """Return '2.50 h' / '42 min' / '12 s' text."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    if seconds >= SECONDS_PER_HOUR:
        return f"{seconds / SECONDS_PER_HOUR:.2f} h"
    if seconds >= SECONDS_PER_MINUTE:
        return f"{seconds / SECONDS_PER_MINUTE:.1f} min"
    return f"{seconds:.0f} s"


def format_percent(fraction: float | None) -> str:
    """Return '0.00%' text ('n/a' when unknown)."""
    if fraction is None:
        return "n/a"
    return "inf%" if math.isinf(fraction) else f"{100 * fraction:.2f}%"


_BADGE_COLORS = {"OPTIMAL": "#2e7d32", "FEASIBLE": "#ef6c00"}  # by status name; others red


def _objective_text(solution: Solution, value: float | None) -> str:
    unit = {"min_mission_cost": format_usd, "max_mission_data": format_bits, "min_max_gap": format_seconds}
    return unit.get(solution.objective_name, lambda v: "n/a" if v is None else f"{v:.6g}")(value)


def solution_html(solution: Solution, rows: int = 5) -> str:
    """Return the HTML view: status badge, certificate table, heads of the main tables."""
    color = _BADGE_COLORS.get(solution.status.value, "#c62828")
    badge = (f'<span class="gstk-status" style="background:{color};color:white;padding:2px 8px;'
             f'border-radius:4px;font-weight:bold">{solution.status.value}</span>')
    certificate = {
        "objective": f"{solution.objective_name} ({solution.sense})",
        "objective value": _objective_text(solution, solution.objective),
        "best bound": _objective_text(solution, solution.bound),
        "relative gap": format_percent(solution.gap),
        "total cost": format_usd(solution.cost_breakdown.get("total")),
        "mission data": format_bits(solution.data_total_bit),
        "providers / stations / contacts":
            f"{len(solution.selected_providers)} / {len(solution.selected_stations)} / {len(solution.contacts)}",
        "build / solve time": f"{solution.build_time_s:.2f} s / {solution.solve_time_s:.2f} s",
        "variables / constraints / solves": f"{solution.n_variables} / {solution.n_constraints} / {solution.n_solves}",
        "simulation window": f"{iso_utc(solution.sim_start)} to {iso_utc(solution.sim_end)}",
        "mission": f"{solution.mission_days:g} days",
    }
    cert_rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                        for k, v in certificate.items())
    parts = [f'<div class="gstk-solution"><p>{badge} <b>Solution</b></p>',
             f'<table class="gstk-certificate">{cert_rows}</table>']
    if solution.message:
        parts.append(f"<p class='gstk-message'>{html.escape(solution.message)}</p>")
    if solution.status.has_solution:
        tables = [("Cost breakdown", solution.cost_table), ("Providers", solution.providers),
                  ("Stations", solution.stations), ("Satellites", solution.satellites),
                  (f"Contacts ({len(solution.contacts)})", solution.contacts[list(CONTACT_COLUMNS)])]
        for title, table in tables:
            parts.append(f"<h4>{html.escape(title)}</h4>{table.head(rows).to_html(index=False)}")
    parts.append("</div>")
    return "\n".join(parts)
