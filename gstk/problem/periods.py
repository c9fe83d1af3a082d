"""Period windows W_j = [j*step, j*step + window] of Eqs. (8), (9) and (16)."""
from __future__ import annotations

import numpy as np


def period_starts_s(sim_duration_s: float, window_s: float, step_s: float) -> np.ndarray:
    """Return the starts j*step of every window with j*step + window <= T_sim, in seconds.

    Examples
    --------
    >>> period_starts_s(4 * 3600.0, 3 * 3600.0, 3600.0).tolist()
    [0.0, 3600.0]
    """
    count = int(np.floor((sim_duration_s - window_s) / step_s + 1e-9)) + 1
    return np.arange(max(count, 0), dtype=float) * step_s


def overlap_s(aos_s: np.ndarray, los_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """Return |[a_c, b_c] ∩ [start, end]| for every contact, in seconds."""
    return np.clip(np.minimum(los_s, end_s) - np.maximum(aos_s, start_s), 0.0, None)
