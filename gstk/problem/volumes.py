"""A contact's data volume v_c: the constant rate of (1), or the rate model's integral over the pass.

One rule serves the model, the solution's report and the verifier (as :mod:`gstk.problem.costs` does
for money).  Without a rate model, v_c = r_c d_c with r_c = min(R_s, R_k) (formulation §1).  When
the contact table carries ``volume_bit`` (the integral of an elevation-dependent rate over the pass,
:mod:`gstk.contacts.rates`), that volume replaces r_c d_c, still capped by it::

    v_c = min(volume_bit_c, r_c d_c)

so the station's and satellite's radio rates R_s, R_k of (1) bound the contact's *mean* rate: a
rate model never carries more than the constant rate would.  (A cap at every instant belongs in the
rate model itself: ``LinkBudget.max_rate_bps``, a table's top step.)  Rows without a volume (NaN:
no rate model at that station) keep r_c d_c.  The per-period rows (8), (9) prorate a contact's
volume by time at its mean rate v_c / d_c.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["contact_volume_bit", "link_volume_column"]


def link_volume_column(contacts: pd.DataFrame) -> np.ndarray | None:
    """Return the contact table's ``volume_bit`` column as floats (NaN where missing), or None without one."""
    if "volume_bit" not in contacts.columns:
        return None
    return pd.to_numeric(contacts["volume_bit"], errors="coerce").to_numpy(float)


def contact_volume_bit(rate_bps: np.ndarray, duration_s: np.ndarray,
                       link_volume_bit: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return (v_c, mean rate v_c / d_c) of contacts with constant rates r_c and optional rate-model volumes.

    Examples
    --------
    >>> v, r = contact_volume_bit(np.array([2.0, 2.0, 2.0]), np.array([10.0, 10.0, 0.0]),
    ...                           np.array([5.0, np.nan, 0.0]))
    >>> v.tolist(), r.tolist()
    ([5.0, 20.0, 0.0], [0.5, 2.0, 2.0])
    """
    rate = np.asarray(rate_bps, float)
    constant = rate * np.asarray(duration_s, float)
    if link_volume_bit is None:
        return constant, rate
    link = np.asarray(link_volume_bit, float)
    volume = np.where(np.isfinite(link), np.minimum(np.maximum(link, 0.0), constant), constant)
    timed = np.asarray(duration_s, float) > 0
    mean = np.where(timed, volume / np.where(timed, duration_s, 1.0), rate)
    return volume, mean
