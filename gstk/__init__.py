"""gstk: which ground-station providers and sites should a LEO mission buy?

The public surface is resolved lazily, so ``import gstk`` is fast and importing
one part (say, the contact engine) does not load the solver stack.  The package
map (which stage of the data flow lives where) is in the README's *Layout*.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> (defining module, attribute); attribute None: the name is that module
_EXPORTS: dict[str, tuple[str, str | None]] = {
    # foundation
    "load_stations": ("gstk.catalog.stations", "load_stations"),
    "load_satellites": ("gstk.orbits.satellites", "load_satellites"),
    "satellites_from_elements": ("gstk.orbits.satellites", "satellites_from_elements"),
    "Satellites": ("gstk.orbits.satellites", "Satellites"),
    "demo_constellation": ("gstk.orbits.satellites", "demo_constellation"),
    "download_celestrak": ("gstk.orbits.satellites", "download_celestrak"),
    "sample_satellites": ("gstk.orbits.sampling", "sample_satellites"),
    "draw_prices": ("gstk.catalog.prices", "draw_prices"),
    "compute_contacts": ("gstk.contacts.windows", "compute_contacts"),
    "datasets": ("gstk.datasets", None),
    # optimization core
    "Problem": ("gstk.problem.definition", "Problem"),
    "ModelData": ("gstk.model.data", "ModelData"),
    "build_model": ("gstk.model.build", "build_model"),
    "optimize": ("gstk.solve.api", "optimize"),
    "Solution": ("gstk.solution.result", "Solution"),
    "Status": ("gstk.solution.result", "Status"),
    "verify": ("gstk.verification.report", "verify"),
    "Scenario": ("gstk.scenario.files", "Scenario"),
    "load_scenario": ("gstk.scenario.files", "load_scenario"),
    "random_scenario": ("gstk.scenario.random", "random_scenario"),
    # figures and notebooks
    "plots": ("gstk.plots", None),
    "teaching": ("gstk.study.teaching", None),
    "explore": ("gstk.jupyter.explorer", "explore"),
    "Explorer": ("gstk.jupyter.explorer", "Explorer"),
    "station_table": ("gstk.jupyter.display", "station_table"),
    "contact_table": ("gstk.jupyter.display", "contact_table"),
    "use_rich_tables": ("gstk.jupyter.display", "use_rich_tables"),
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    """Resolve a public name on first use; anything else is an AttributeError."""
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'gstk' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
