"""Paper Table 1 prices and data rates, drawn from a seed."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.seeds import generator

if TYPE_CHECKING:  # pragma: no cover
    pass


log = logging.getLogger(__name__)


#: Formulation §8 / paper Table 1: uniform ranges (low, high) and the per-minute probability.
TABLE1: Mapping[str, Any] = MappingProxyType({
    "integration_cost_usd": (50_000.0, 200_000.0),   # per provider
    "setup_cost_usd": (10_000.0, 100_000.0),         # per provider, same for all its stations
    "monthly_cost_usd": (200.0, 5_000.0),            # per station, USD/month
    "licence_cost_usd": (1_000.0, 5_000.0),          # per station, per satellite licensed there
    "pass_cost_usd": (25.0, 175.0),                  # per station, when its provider prices per pass
    "minute_cost_usd": (5.0, 35.0),                  # per station, USD/min, when it prices per minute
    "station_rate_bps": (1.2e9, 2.0e9),              # per station
    "satellite_rate_bps": (0.9e9, 1.8e9),            # per satellite
    "per_minute_probability": 0.5,                   # per provider: P(per-minute pricing)
})


_STATION_DRAWS = ("monthly_cost_usd", "licence_cost_usd", "pass_cost_usd", "minute_cost_usd",
                  "station_rate_bps")


_PRICE_COLUMNS = ("setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd",
                  "minute_cost_usd", "rate_bps")


# --------------------------------------------------------------------------- prices
def price_ranges(ranges: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return :data:`TABLE1` updated with ``ranges``, checked (keys known, 0 <= low <= high).

    Examples
    --------
    >>> price_ranges({"monthly_cost_usd": (100, 200)})["monthly_cost_usd"]
    (100.0, 200.0)
    """
    merged = dict(TABLE1)
    for key, value in dict(ranges or {}).items():
        if key not in TABLE1:
            raise GstkError(f"unknown price range {key!r}; expected some of {sorted(TABLE1)}")
        merged[key] = value
    for key, value in merged.items():
        if key == "per_minute_probability":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise GstkError(f"price range {key} must be a probability in [0, 1], got {value!r}")
            merged[key] = float(value)
            continue
        try:
            low, high = (float(v) for v in value)
        except (TypeError, ValueError):
            raise GstkError(f"price range {key} must be a (low, high) pair of numbers, got {value!r}") from None
        if not (np.isfinite(low) and np.isfinite(high) and 0 <= low <= high):
            raise GstkError(f"price range {key} must satisfy 0 <= low <= high, got {value!r}")
        merged[key] = (low, high)
    return merged


def _uniform(rng: np.random.Generator, bounds: tuple[float, float], n: int) -> np.ndarray:
    return rng.uniform(bounds[0], bounds[1], n)


def draw_prices(
    stations: pd.DataFrame,
    satellite_ids: Iterable[Any],
    *,
    seed: int | np.random.SeedSequence | None = None,
    rng: np.random.Generator | None = None,
    ranges: Mapping[str, Any] = TABLE1,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Draw the Table 1 prices and rates of a network and constellation.

    Parameters
    ----------
    stations : pandas.DataFrame
        At least ``station_id`` and ``provider`` (e.g. :func:`gstk.catalog.stations.load_stations`);
        an ``antennas`` column is kept (default 1).
    satellite_ids : iterable
        The satellites' ids (text).
    seed : int or SeedSequence, optional
        Seed of ``np.random.default_rng``; the same seed gives identical tables.
    rng : numpy.random.Generator, optional
        Use this generator instead of ``seed`` (it is advanced).
    ranges : mapping
        :data:`TABLE1` or a partial override of it (see :func:`price_ranges`).

    Returns
    -------
    stations : pandas.DataFrame
        The input rows in their order with ``setup_cost_usd, monthly_cost_usd,
        licence_cost_usd, pass_cost_usd, minute_cost_usd, rate_bps, antennas`` set
        (one of pass/minute cost is 0, by the provider's scheme) and ``pricing``
        ("per_pass" or "per_minute").
    providers : pandas.DataFrame
        ``provider, integration_cost_usd, setup_cost_usd, pricing``, sorted by provider.
    satellites : pandas.DataFrame
        ``satellite_id, rate_bps``, sorted by id.

    Examples
    --------
    >>> st = pd.DataFrame({"station_id": ["B/x", "A/y", "A/z"], "provider": ["B", "A", "A"]})
    >>> s, p, k = draw_prices(st, ["SAT-1"], seed=1)
    >>> s.groupby("provider")["setup_cost_usd"].nunique().tolist()
    [1, 1]
    """
    table = _station_frame(stations)
    ids = sorted({str(i) for i in satellite_ids})
    r = price_ranges(ranges)
    gen = generator(seed, rng)
    providers = sorted(table["provider"].unique().tolist())
    # 1. providers
    integration = _uniform(gen, r["integration_cost_usd"], len(providers))
    setup = _uniform(gen, r["setup_cost_usd"], len(providers))
    per_minute = gen.random(len(providers)) < r["per_minute_probability"]
    # 2. stations, sorted by id
    order = np.argsort(table["station_id"].to_numpy(str), kind="stable")
    draws = {name: np.empty(len(table)) for name in _STATION_DRAWS}
    for name in _STATION_DRAWS:
        draws[name][order] = _uniform(gen, r[name], len(table))
    # 3. satellites, sorted by id
    satellite_rate = _uniform(gen, r["satellite_rate_bps"], len(ids))

    provider_table = pd.DataFrame({
        "provider": providers,
        "integration_cost_usd": np.round(integration, 2),
        "setup_cost_usd": np.round(setup, 2),
        "pricing": np.where(per_minute, "per_minute", "per_pass"),
    })
    of_provider = provider_table.set_index("provider")
    scheme = table["provider"].map(of_provider["pricing"]).to_numpy(str)
    priced = table.copy()
    priced["setup_cost_usd"] = table["provider"].map(of_provider["setup_cost_usd"]).to_numpy(float)
    priced["monthly_cost_usd"] = np.round(draws["monthly_cost_usd"], 2)
    priced["licence_cost_usd"] = np.round(draws["licence_cost_usd"], 2)
    priced["pass_cost_usd"] = np.where(scheme == "per_pass", np.round(draws["pass_cost_usd"], 2), 0.0)
    priced["minute_cost_usd"] = np.where(scheme == "per_minute", np.round(draws["minute_cost_usd"], 2), 0.0)
    priced["rate_bps"] = np.round(draws["station_rate_bps"])
    priced["pricing"] = scheme
    satellites = pd.DataFrame({"satellite_id": ids, "rate_bps": np.round(satellite_rate)})
    _set_units(priced, provider_table, satellites)
    return priced, provider_table, satellites


def _station_frame(stations: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(stations, pd.DataFrame):
        raise GstkError(f"stations must be a pandas DataFrame, got {type(stations).__name__}")
    missing = [c for c in ("station_id", "provider") if c not in stations.columns]
    if missing:
        raise GstkError(f"stations lacks column(s) {missing}; expected at least station_id, provider")
    table = stations.reset_index(drop=True).copy()
    table["station_id"] = table["station_id"].astype(str)
    table["provider"] = table["provider"].astype(str)
    dupes = table["station_id"][table["station_id"].duplicated()].tolist()
    if dupes:
        raise GstkError(f"stations has duplicate station_id values {dupes[:5]}")
    if "antennas" not in table.columns:
        table["antennas"] = 1
    return table


def _set_units(stations: pd.DataFrame, providers: pd.DataFrame, satellites: pd.DataFrame) -> None:
    money = {c: "USD" for c in _PRICE_COLUMNS if c.endswith("_usd")}
    stations.attrs["units"] = {**stations.attrs.get("units", {}), **money, "minute_cost_usd": "USD/min",
                               "monthly_cost_usd": "USD/month", "rate_bps": "bit/s"}
    providers.attrs["units"] = {"integration_cost_usd": "USD", "setup_cost_usd": "USD"}
    satellites.attrs["units"] = {"rate_bps": "bit/s"}
