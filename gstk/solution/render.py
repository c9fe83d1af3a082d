"""How results read: money, data, time and percent as text."""
from __future__ import annotations

import math

from gstk.units import BITS_PER_GB, BITS_PER_TB, SECONDS_PER_HOUR, SECONDS_PER_MINUTE

__all__ = ["format_usd", "format_bits", "format_seconds", "format_percent"]


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
