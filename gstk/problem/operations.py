"""Ground-segment operations of a problem: antenna turnaround, satellite slew, outages, provider minima.

The optional table columns, their checks, and the per-station / per-satellite
values the exclusions (11) and (12) pad contacts by:

``turnaround_s``  Problem.stations (wins) or Problem.providers: tau_s, the setup time an
                  antenna needs between two contacts (two contacts at s closer than tau_s
                  conflict); empty: the :class:`~gstk.problem.specs.StationContactExclusion`'s
``slew_s``        Problem.satellites: sigma_k, the time satellite k needs to turn from one
                  station to another (two of its contacts at different stations closer than
                  sigma_k conflict); empty: the :class:`~gstk.problem.specs.SatelliteContactExclusion`'s

A missing column or an empty (NaN) cell means "use the spec's value".  Outages
(:class:`~gstk.problem.specs.StationOutages`) and provider minima
(``MinContactDuration.per_provider``) are prefilters (:mod:`gstk.problem.prefilters`).

Examples
--------
>>> import pandas as pd
>>> stations = pd.DataFrame({"station_id": ["A", "B", "C"], "provider": ["P", "P", "Q"],
...                          "turnaround_s": [30.0, None, None]})
>>> providers = pd.DataFrame({"provider": ["P", "Q"], "turnaround_s": [60.0, None]})
>>> station_turnaround_s(stations, providers).tolist()
[30.0, 60.0, nan]
>>> resolved_s(station_turnaround_s(stations, providers), 10.0).tolist()
[30.0, 60.0, 10.0]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from gstk.errors import GstkError, UnknownProviderError
from gstk.problem.specs import MinContactDuration, SatelliteContactExclusion, Spec, StationOutages

#: Optional operations columns of each Problem table.
OPERATION_COLUMNS = {"stations": ("turnaround_s",), "providers": ("turnaround_s",), "satellites": ("slew_s",)}


def check_operation_columns(df: pd.DataFrame, name: str, key: str) -> None:
    """Raise a one-line GstkError unless each optional operations column of table ``name`` is empty or >= 0."""
    for column in OPERATION_COLUMNS[name]:
        if column not in df.columns:
            continue
        values = pd.to_numeric(df[column], errors="coerce").to_numpy(float)
        given = df[column].notna().to_numpy()
        bad = given & ~(np.isfinite(values) & (values >= 0))
        if bad.any():
            row = df.iloc[int(np.flatnonzero(bad)[0])]
            raise GstkError(f"Problem.{name}: {column} of {row[key]!r} is {row[column]}; "
                            "expected a finite number of seconds >= 0 (or empty for the spec's value)")


def check_operation_references(constraints: tuple[Spec, ...], station_ids: set, provider_ids: set,
                               satellites: pd.DataFrame | None = None) -> None:
    """Raise a one-line error for an outage at an unknown station, a minimum of an unknown provider,
    or a satellite slew time under (12) with several links (slew needs one steerable antenna)."""
    slewing = satellites is not None and bool((satellite_slew_s(satellites) > 0).any())
    for spec in constraints:
        if slewing and isinstance(spec, SatelliteContactExclusion) and spec.max_links != 1:
            raise GstkError(f"Problem.satellites gives slew_s, which needs SatelliteContactExclusion(max_links=1), "
                            f"got max_links={spec.max_links}")
        if isinstance(spec, StationOutages):
            unknown = sorted({w[0] for w in spec.windows} - station_ids)
            if unknown:
                raise GstkError(f"StationOutages: unknown station(s) {unknown[:5]}; expected ids of Problem.stations")
        if isinstance(spec, MinContactDuration):
            unknown = sorted({p for p, _ in spec.per_provider} - provider_ids)
            if unknown:
                raise UnknownProviderError(f"MinContactDuration.per_provider: unknown provider(s) {unknown}; "
                                           f"known: {sorted(provider_ids)}")


def _column(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index)
    return pd.to_numeric(df[column], errors="coerce").astype(float)


def station_turnaround_s(stations: pd.DataFrame, providers: pd.DataFrame) -> np.ndarray:
    """Return tau_s per row of ``stations``: its ``turnaround_s``, else its provider's, else NaN."""
    own = _column(stations, "turnaround_s")
    by_provider = dict(zip(providers["provider"], _column(providers, "turnaround_s")))
    return own.fillna(stations["provider"].map(by_provider).astype(float)).to_numpy(float)


def satellite_slew_s(satellites: pd.DataFrame) -> np.ndarray:
    """Return sigma_k per row of ``satellites``: its ``slew_s`` column, else NaN."""
    return _column(satellites, "slew_s").to_numpy(float)


def resolved_s(values: np.ndarray, default_s: float) -> np.ndarray:
    """Return ``values`` with every NaN (no table value) replaced by the spec's ``default_s``."""
    values = np.asarray(values, float)
    return np.where(np.isnan(values), float(default_s), values)
