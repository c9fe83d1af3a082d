"""One seed rule: how a base seed becomes the seeds of a trial."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from gstk.errors import GstkError

if TYPE_CHECKING:  # pragma: no cover
    pass


log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- seeds
def trial_seed(seed: int, trial: int) -> int:
    """Return the seed of trial ``trial`` derived from the base ``seed`` (a 63-bit int).

    Uses ``np.random.SeedSequence(seed, spawn_key=(trial,))``, the same child
    ``SeedSequence(seed).spawn(n)[trial]`` gives, so every trial is reproducible
    on its own and trials are statistically independent.

    Examples
    --------
    >>> trial_seed(7, 3) == trial_seed(7, 3), trial_seed(7, 3) != trial_seed(7, 4)
    (True, True)
    """
    for value, what in ((seed, "seed"), (trial, "trial")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise GstkError(f"trial_seed: {what} must be an integer >= 0, got {value!r}")
    state = np.random.SeedSequence(int(seed), spawn_key=(int(trial),)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def _generator(seed: Any, rng: np.random.Generator | None) -> np.random.Generator:
    if rng is not None and seed is not None:
        raise GstkError("give seed= or rng=, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise GstkError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    return np.random.default_rng(seed)


log = logging.getLogger(__name__)


def unit_seeds(seed: int, n_satellites: int, trial: int) -> tuple[int, int]:
    """Return the (sampling, price) seeds of unit (n_satellites, trial) of base ``seed``."""
    children = np.random.SeedSequence(int(seed), spawn_key=(int(n_satellites), int(trial))).spawn(2)
    return tuple(int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children)
