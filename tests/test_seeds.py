"""Tests of gstk.seeds: the one seed rule of study trials and random scenarios, and seed/rng generators."""
from __future__ import annotations

import doctest

import numpy as np
import pytest

import gstk.seeds as seeds_module
from gstk.errors import GstkError
from gstk.orbits.sampling import sample_satellites
from gstk.orbits.satellites import demo_constellation
from gstk.scenario.random import random_scenario
from gstk.seeds import generator, unit_seeds


def _as_seed(child: np.random.SeedSequence) -> int:
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


# --------------------------------------------------------------------------- the rule
def test_unit_seeds_are_the_spawned_children_of_the_unit_key():
    children = np.random.SeedSequence(42, spawn_key=(3, 4)).spawn(2)
    assert unit_seeds(42, 3, 4) == (_as_seed(children[0]), _as_seed(children[1]))
    assert all(0 <= s < 2**63 for s in unit_seeds(42, 3, 4))


def test_a_trial_alone_equals_that_trial_of_a_sequence():
    sequence = [unit_seeds(42, 3, t) for t in range(6)]
    assert unit_seeds(42, 3, 5) == sequence[5]  # trial 5 alone, without trials 0..4
    seeds = [s for pair in sequence for s in pair]
    assert len(set(seeds)) == len(seeds)  # distinct trials, distinct sample and price seeds
    assert unit_seeds(42, 4, 5) != sequence[5] and unit_seeds(43, 3, 5) != sequence[5]


@pytest.mark.parametrize(("args", "needle"), [
    ((-1, 1, 0), "seed must be an integer >= 0"), ((1, 0, 0), "n_satellites must be an integer >= 1"),
    ((1, 1, -1), "trial must be an integer >= 0"), ((1, 1.0, 0), "n_satellites must be an integer"),
    ((True, 1, 0), "seed must be an integer"),
])
def test_unit_seeds_reject_what_is_not_a_unit(args, needle):
    with pytest.raises(GstkError, match=needle):
        unit_seeds(*args)


def test_random_scenario_draws_with_the_rule():
    sats = demo_constellation()
    scenario = random_scenario(sats, {"providers": ["KSAT", "Leaf"]}, 2, seed=3, trial=1, rule="all")
    sample_seed, price_seed = unit_seeds(3, 2, 1)
    assert scenario.prices == {"random": {"seed": price_seed}}
    expected = sample_satellites(sats, 2, seed=sample_seed, rule="all", altitude_km=(300.0, 1000.0))
    assert scenario.satellites().satellite_id.tolist() == expected.satellite_id.tolist()
    default = random_scenario(sats, None, 2, seed=3, rule="all")
    assert default.prices == {"random": {"seed": unit_seeds(3, 2, 0)[1]}}  # trial 0 unless told


# --------------------------------------------------------------------------- generators
def test_generator_takes_a_seed_or_an_rng():
    assert generator(5, None).random() == np.random.default_rng(5).random()
    rng = np.random.default_rng(1)
    assert generator(None, rng) is rng
    with pytest.raises(GstkError, match="not both"):
        generator(1, rng)
    with pytest.raises(GstkError, match="numpy.random.Generator"):
        generator(None, np.random.RandomState(1))


def test_docstring_examples_run():
    result = doctest.testmod(seeds_module)
    assert result.attempted >= 2 and result.failed == 0
