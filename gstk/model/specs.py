"""The objective and constraint specs at the path the README's examples import them from.

They are defined in :mod:`gstk.problem.specs` (layer 3, no solver); this module only
keeps ``from gstk.problem.specs import MaxMissionData, ...`` working.
"""
from gstk.problem.specs import *  # noqa: F403
from gstk.problem.specs import SPEC_TYPES, Spec, spec_from_dict  # noqa: F401
