"""One study trial as a scenario file: the unit a study row was solved on, for ``gstk solve``.

:func:`trial_scenario` rebuilds unit (n satellites, trial) of a study seed as a
:class:`~gstk.scenario.files.Scenario` through
:func:`gstk.scenario.random.random_scenario` and the one seed rule of
:mod:`gstk.seeds`: the satellites :func:`gstk.study.trials.trial_instance`
samples, its stations, Table 1 prices and window, and the objective,
constraints and SCIP options :func:`gstk.study.comparison.compare_networks`
solves with.  Saved and solved, the file gives the study's optimized network.
``gstk study-trial`` writes it from the command line.
"""
from __future__ import annotations

import logging
import os

from gstk.scenario.files import Scenario
from gstk.scenario.random import random_scenario
from gstk.scenario.schema import SHARED_TLE_TOKEN
from gstk.study.reproduce import manifest_entry
from gstk.study.settings import StudySettings, study_constraints, study_objective, study_settings
from gstk.study.trials import resolve_tle_path

log = logging.getLogger(__name__)

#: The notebook whose trials ``gstk study-trial`` rebuilds, and the parameters its settings take from the manifest.
STUDY_NOTEBOOK, RUN_PARAMETERS = "objective_comparison", ("sim_days", "time_limit_s")


def trial_scenario(n_satellites: int, trial: int, *, seed: int, problem: str, settings: StudySettings | None = None,
                   tle_path: str | os.PathLike | None = None) -> Scenario:
    """Return unit (``n_satellites``, ``trial``) of study seed ``seed`` as a scenario of problem ``problem``.

    Parameters
    ----------
    n_satellites, trial : int
        The unit: constellation size (>= 1) and trial number (>= 0).
    seed : int
        Base seed of the study (the notebooks' ``seed``).
    problem : {"min_cost", "max_data"}
        The problem variation (:data:`gstk.study.settings.PROBLEMS`).
    settings : StudySettings, optional
        The study's settings (default ``StudySettings()``).
    tle_path : path, optional
        Satellite catalog; default the shared snapshot, recorded as ``"$GSTK_TLE"``.

    Returns
    -------
    Scenario
        Satellites sampled and prices drawn with :func:`gstk.seeds.unit_seeds`, the study's stations
        (``settings.station_statuses``), window ``[settings.start, + sim_days]``, objective, constraints
        and ``settings.solver_options``; the sample is checked (loaded) before it is returned.

    Examples
    --------
    >>> sc = trial_scenario(2, 3, seed=2025, problem="min_cost")  # doctest: +SKIP
    >>> sc.save("trial.json")                                      # doctest: +SKIP
    """
    settings = settings or StudySettings()
    objective, constraints = study_objective(problem), study_constraints(problem, settings, n_satellites)
    path = resolve_tle_path(tle_path)
    scenario = random_scenario(
        SHARED_TLE_TOKEN if tle_path is None else path, {"status": list(settings.station_statuses)}, n_satellites,
        seed=seed, trial=trial, rule=settings.rule, objective=objective, constraints=constraints,
        mission_days=settings.mission_days, start=settings.start, days=settings.sim_days,
        altitude_km=settings.altitude_km, solver=settings.solver_options.to_dict(),
        name=f"study-{problem}-n{n_satellites}-t{trial}-seed{seed}")
    scenario = scenario.with_changes(cost_model=settings.cost_model, description=(
        f"gstk study unit (n_satellites={n_satellites}, trial={trial}) of base seed {seed}, problem {problem}: "
        f"the satellites, stations, Table 1 prices, window, objective, constraints and SCIP options of "
        f"gstk.study.trial_instance and compare_networks (settings key {settings.key()})."))
    scenario.satellites()  # a sample the catalog cannot give fails here, not at solve time
    return scenario


def reproduce_settings(quick: bool = False) -> StudySettings:
    """Return the settings of the objective-comparison trials of ``gstk reproduce`` (``--quick`` or full).

    The manifest sets ``sim_days`` and ``time_limit_s`` of the notebook; its other
    parameters keep the defaults of :func:`gstk.study.settings.study_settings`.
    """
    parameters = manifest_entry(STUDY_NOTEBOOK).parameters(quick)
    return study_settings(**{k: parameters[k] for k in RUN_PARAMETERS})
