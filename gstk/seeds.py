"""One seed rule: how a base seed becomes the seeds of one study trial.

A *unit* of the study is one trial of one constellation size: ``n_satellites``
satellites sampled from a catalog and Table 1 prices drawn for them.  Unit
``(n_satellites, trial)`` of base ``seed`` takes its randomness from

    ``np.random.SeedSequence(seed, spawn_key=(n_satellites, trial)).spawn(2)``

whose first child seeds the satellite sample and whose second the price draw
(:func:`unit_seeds`; each child gives a 63-bit int).  Because the spawn key
names the unit, every unit is reproducible on its own (trial 7 needs no
trials 0-6) and units are statistically independent.  The study's trials
(:func:`gstk.study.trials.trial_instance`), its surrogate-window study and
:func:`gstk.scenario.random.random_scenario` all use this rule, so a study
trial can be rebuilt, and saved, as a scenario file.

:func:`generator` turns a ``seed=``/``rng=`` pair of a public function into
the one :class:`numpy.random.Generator` it draws from.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from gstk.errors import GstkError

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the rule
def unit_seeds(seed: int, n_satellites: int, trial: int) -> tuple[int, int]:
    """Return the (sampling, price) seeds of unit (``n_satellites``, ``trial``) of base ``seed``.

    Parameters
    ----------
    seed : int
        Base seed of the study (>= 0).
    n_satellites : int
        Constellation size of the unit (>= 1).
    trial : int
        Trial number (>= 0).

    Returns
    -------
    (int, int)
        The seeds of the satellite sample and of the Table 1 price draw: the two
        children of ``SeedSequence(seed, spawn_key=(n_satellites, trial))``, each
        as a 63-bit int.

    Examples
    --------
    >>> unit_seeds(7, 2, 3) == unit_seeds(7, 2, 3), unit_seeds(7, 2, 3) != unit_seeds(7, 2, 4)
    (True, True)
    """
    for value, what, least in ((seed, "seed", 0), (n_satellites, "n_satellites", 1), (trial, "trial", 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise GstkError(f"{what} must be an integer >= {least}, got {value!r}")
    children = np.random.SeedSequence(int(seed), spawn_key=(int(n_satellites), int(trial))).spawn(2)
    sample_seed, price_seed = (int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children)
    return sample_seed, price_seed


# --------------------------------------------------------------------------- generators
def generator(seed: Any, rng: np.random.Generator | None) -> np.random.Generator:
    """Return ``rng``, or a new generator from ``seed`` (``np.random.default_rng``); not both.

    Examples
    --------
    >>> float(generator(1, None).random()) == float(np.random.default_rng(1).random())
    True
    """
    if rng is not None and seed is not None:
        raise GstkError("give seed= or rng=, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise GstkError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    return np.random.default_rng(seed)
