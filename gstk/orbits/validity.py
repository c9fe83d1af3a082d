"""How far from its epoch an element set can be trusted, and the check gstk runs before propagating.

SGP4 mean elements are a fit to tracking data around their epoch.  For Celestrak's
general-perturbations sets in LEO the position error is about 1 km at epoch and grows
by roughly 1-3 km a day, mostly along track (Vallado & Cefola 2012, "Two-line element
sets - practice and use", IAC-12.C1.6.12), faster in high drag.  After
:data:`MAX_ELEMENT_AGE_DAYS` (30 days) the along-track error is hundreds of km, a
minute or more of timing: the contact windows are no longer those of the real
satellite, and past a few months in LEO (or years for the drag-free demo designs)
they are fiction.  gstk therefore warns (:class:`~gstk.errors.ElementAgeWarning`)
when a window reaches further than that from an epoch, and when the window itself is
longer than ``2 * MAX_ELEMENT_AGE_DAYS`` so that no element set can cover it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from gstk.times import utc
from gstk.units import SECONDS_PER_DAY, UNIX_EPOCH_JD

__all__ = ["MAX_ELEMENT_AGE_DAYS", "element_age_days", "element_age_problem", "epochs_utc"]

#: Largest distance, days, between an element set's epoch and any time of a window it is used for
#: before gstk warns (see the module docstring for why 30 days).
MAX_ELEMENT_AGE_DAYS = 30.0


def epochs_utc(satrecs: Sequence[Any]) -> pd.DatetimeIndex:
    """Return the epochs of SGP4 element sets as UTC timestamps (to the microsecond)."""
    micros = np.rint(_unix_days(satrecs) * SECONDS_PER_DAY * 1e6).astype("int64")
    return pd.DatetimeIndex(micros.astype("datetime64[us]")).tz_localize("UTC")


def element_age_days(satrecs: Sequence[Any], start: Any, end: Any) -> np.ndarray:
    """Return, per element set, the largest distance in days between its epoch and a time of [start, end].

    Examples
    --------
    >>> from gstk.orbits.satellites import demo_constellation   # epoch 2025-03-10T00:00Z
    >>> element_age_days(demo_constellation().satrecs[:1], "2025-03-11", "2025-03-18").tolist()
    [8.0]
    """
    epoch_days = _unix_days(satrecs)  # float days: centuries apart overflow nanosecond Timedeltas
    t0, t1 = (utc(t).as_unit("ns").value / 1e9 / SECONDS_PER_DAY for t in (start, end))
    return np.maximum(np.abs(epoch_days - t0), np.abs(epoch_days - t1))


def _unix_days(satrecs: Sequence[Any]) -> np.ndarray:
    return np.array([s.jdsatepoch - UNIX_EPOCH_JD + s.jdsatepochF for s in satrecs], dtype=np.float64)


def element_age_problem(ids: Sequence[Any], satrecs: Sequence[Any], start: Any, end: Any, *,
                        max_age_days: float = MAX_ELEMENT_AGE_DAYS) -> str | None:
    """Return a one-line warning when [start, end] reaches too far from the element sets' epochs, else None.

    The window is too long when it spans more than ``2 * max_age_days`` (no epoch can cover it);
    it is too far when some epoch lies more than ``max_age_days`` from one of its ends.
    """
    if not len(satrecs):
        return None
    t0, t1 = utc(start), utc(end)
    days = (t1 - t0).total_seconds() / SECONDS_PER_DAY
    window = f"{t0:%Y-%m-%d %H:%M}..{t1:%Y-%m-%d %H:%M} UTC"
    if days > 2 * max_age_days:
        return (f"the window {window} is {days:,.0f} days long, far longer than element sets support "
                f"(within {max_age_days:g} days of their epoch): contacts further than that from the epoch "
                "are fiction; shorten the window or propagate fresh element sets piece by piece")
    age = element_age_days(satrecs, t0, t1)
    stale = np.flatnonzero(age > max_age_days)
    if not len(stale):
        return None
    worst = int(stale[np.argmax(age[stale])])
    epoch = epochs_utc([satrecs[worst]])[0]
    return (f"{len(stale)} of {len(satrecs)} satellites have element sets more than {max_age_days:g} days from "
            f"the window {window} (worst: {ids[worst]}, epoch {epoch:%Y-%m-%d}, {age[worst]:,.0f} days): SGP4 "
            f"errors grow by km per day, so their contacts are not the real satellites'; use element sets "
            f"with an epoch within {max_age_days:g} days of the window")
