"""gstk: which ground-station providers and sites should a LEO mission buy?

The public surface is re-exported here lazily, so ``import gstk`` is fast and
importing one part (say, the contact engine) does not load the solver stack.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # foundation
    "load_stations": "gstk.stations",
    "load_satellites": "gstk.satellites",
    "satellites_from_elements": "gstk.satellites",
    "Satellites": "gstk.satellites",
    "compute_contacts": "gstk.contacts",
    "datasets": "gstk.datasets",
    # optimization core
    "ModelData": "gstk.model.data",
    "build_model": "gstk.model.build",
    "Solution": "gstk.solution",
    "Status": "gstk.solution",
    "verify": "gstk.verify",
    "Scenario": "gstk.scenario_files",
    "load_scenario": "gstk.scenario_files",
    "Problem": "gstk.problem",
    "optimize": "gstk.solve",
    "demo_constellation": "gstk.satellites",
    "download_celestrak": "gstk.satellites",
    "random_scenario": "gstk.scenarios",
    "draw_prices": "gstk.scenarios",
    "sample_satellites": "gstk.scenarios",
    # figures and notebooks
    "plots": "gstk.plots",
    "explore": "gstk.widgets",
    "Explorer": "gstk.widgets",
    "station_table": "gstk.display",
    "contact_table": "gstk.display",
    "use_rich_tables": "gstk.display",
    "teaching": "gstk.teaching",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

# ``verify`` is both a submodule and its main function.  Importing the submodule
# binds ``gstk.verify`` to the module, so bind the function once, eagerly, here
# (gstk.verify needs only numpy and pandas).  The solver entry point is
# ``gstk.optimize``; ``gstk.solve`` stays the module holding ``solve``.
from gstk.verify import verify  # noqa: E402


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gstk' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = getattr(mod, name, mod)  # a function or class of that name, else the module itself
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
