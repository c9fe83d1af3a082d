"""Choosing satellites from a catalog: name patterns, NORAD numbers, altitude bands, exact names, samples.

Each function returns the positions (or a mask) of the satellites to keep;
:meth:`gstk.orbits.satellites.Satellites.select`, ``.picked`` and ``.sample`` wrap them.
"""
from __future__ import annotations

import difflib
import fnmatch
import re
from typing import Any, Iterable

import numpy as np
import pandas as pd

from gstk.errors import SatelliteDataError

__all__ = ["name_mask", "selection_mask", "picked_mask", "sample_positions"]


def selection_mask(names: np.ndarray, elements: pd.DataFrame, name: Any = None, *,
                   norad_ids: Iterable[Any] | None = None, perigee_km: tuple | None = None,
                   apogee_km: tuple | None = None, altitude_km: tuple | None = None,
                   exclude_names: Any = None) -> np.ndarray:
    """Return which satellites meet every given condition (see :meth:`Satellites.select`).

    ``elements`` is the table of :func:`gstk.orbits.elements.elements_frame` (``norad_id``,
    ``perigee_km``, ``apogee_km``), one row per name.
    """
    mask = np.ones(len(names), dtype=bool)
    if name is not None:
        mask &= name_mask(names, name)
    if exclude_names is not None:
        mask &= ~name_mask(names, exclude_names)
    if norad_ids is not None:
        mask &= np.isin(elements["norad_id"].fillna(-1).to_numpy(int), _norad_numbers(norad_ids))
    if altitude_km is not None:
        if perigee_km is not None or apogee_km is not None:
            raise SatelliteDataError("Give altitude_km, or perigee_km/apogee_km, not both.")
        perigee_km = apogee_km = altitude_km
    for column, band in (("perigee_km", perigee_km), ("apogee_km", apogee_km)):
        if band is not None:
            lo, hi = _band(band, column)
            mask &= (elements[column].to_numpy() >= lo) & (elements[column].to_numpy() <= hi)
    return mask


def picked_mask(names: np.ndarray, satellite_id: np.ndarray, want_names: Any = None,
                want_ids: Any = None) -> np.ndarray:
    """Return which satellites have one of these exact names (case-insensitive) or ids; error on a miss."""
    want_names = [want_names] if isinstance(want_names, str) else list(want_names or [])
    want_ids = [want_ids] if isinstance(want_ids, (str, int, np.integer)) else list(want_ids or [])
    want_ids = [str(int(i)) if str(i).strip().isdigit() else str(i).strip() for i in want_ids]
    upper = np.char.upper(np.char.strip(names))
    keys = [n.strip().upper() for n in want_names]
    missing = [n for n, k in zip(want_names, keys) if k not in set(upper.tolist())]
    missing += [i for i in want_ids if i not in set(satellite_id.tolist())]
    if missing:
        hints = {m: difflib.get_close_matches(str(m).upper(), upper.tolist(), n=3) for m in missing[:5]}
        raise SatelliteDataError(f"Not in the catalog: {missing[:10]} (close names: {hints}).\n"
                                 "Fix: check spelling, or use Satellites.select(name='PATTERN*').")
    return np.isin(upper, keys) | np.isin(satellite_id, want_ids)


def sample_positions(n: int, count: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Return ``n`` of ``count`` positions drawn without replacement, sorted (same int seed, same draw)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= count:
        raise SatelliteDataError(f"Cannot sample {n!r} satellites without replacement from "
                                 f"{count}.\nFix: ask for an integer between 0 and {count}, "
                                 "or widen the selection first.")
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(count, size=int(n), replace=False))


def _band(band: Any, what: str) -> tuple[float, float]:
    try:
        lo, hi = band
    except (TypeError, ValueError):
        raise SatelliteDataError(f"{what}={band!r} must be a (lo, hi) pair in km.") from None
    lo, hi = (-np.inf if lo is None else float(lo)), (np.inf if hi is None else float(hi))
    if lo > hi:
        raise SatelliteDataError(f"{what}=({lo}, {hi}): lower bound above upper bound.")
    return lo, hi


def _norad_numbers(norad_ids: Iterable[Any]) -> list[int]:
    ids = [norad_ids] if isinstance(norad_ids, (str, int, np.integer)) else list(norad_ids)
    try:
        return [int(str(x).strip()) for x in ids]
    except ValueError:
        raise SatelliteDataError(f"norad_ids must be catalog numbers, got {ids[:5]}.") from None


def name_mask(names: np.ndarray, patterns: Any) -> np.ndarray:
    """Return which ``names`` match any pattern (str: whole-name glob, case-insensitive; re.Pattern: search)."""
    patterns = [patterns] if isinstance(patterns, (str, re.Pattern)) else list(patterns)
    compiled = [p if isinstance(p, re.Pattern) else re.compile(fnmatch.translate(p), re.IGNORECASE)
                for p in patterns]
    return np.array([any(p.search(n) for p in compiled) for n in names.tolist()], dtype=bool)
