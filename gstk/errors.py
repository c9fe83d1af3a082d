"""The gstk error and warning family.

Every error gstk raises on bad input derives from :class:`GstkError`, itself a
``ValueError``, so callers can catch one type.  Messages say what is wrong,
where, what was expected, and how to fix it.
"""
from __future__ import annotations


class GstkError(ValueError):
    """Base class of gstk's input and model errors."""


class GstkWarning(UserWarning):
    """Base class of gstk's warnings (tests turn them into errors)."""


class StationDataError(GstkError):
    """A station catalog row is invalid; ``rows`` lists the offending row labels."""

    def __init__(self, message: str, rows: list | None = None):
        super().__init__(message)
        self.rows = list(rows or [])


class UnknownProviderError(GstkError):
    """A provider name is not in the station catalog."""


class TLEError(GstkError):
    """A TLE/3LE text is malformed; ``line_number`` is 1-based in the source."""

    def __init__(self, message: str, line_number: int | None = None):
        super().__init__(message)
        self.line_number = line_number


class SatelliteDataError(GstkError):
    """Orbital elements, OMM records or satellite selections are invalid."""


class OfflineError(GstkError):
    """A download was requested but the network is not reachable."""


class SpecError(GstkError):
    """An objective or constraint specification has invalid parameters."""


class ScenarioError(GstkError):
    """A scenario file is invalid (unknown key, wrong type, missing file)."""


class SolveError(GstkError):
    """Raised by ``Solution.raise_for_status`` when a solve did not succeed."""


class ContactsFileError(ScenarioError):
    """A contacts CSV is invalid; ``line_number`` is 1-based in the file (the header is line 1)."""

    def __init__(self, message: str, line_number: int | None = None):
        super().__init__(message)
        self.line_number = line_number


class SolutionFileError(SolveError):
    """A solution JSON does not follow the schema :meth:`gstk.Solution.to_json` writes; ``key`` is the key path."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


class DecayedSatelliteWarning(GstkWarning):
    """SGP4 reported an error (e.g. decay) for a satellite; it was skipped from then on."""


class ElementAgeWarning(GstkWarning):
    """A window reaches further from the element sets' epochs than SGP4 supports.

    The threshold is :data:`gstk.orbits.validity.MAX_ELEMENT_AGE_DAYS`.
    """
