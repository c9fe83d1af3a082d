"""Seeded random scenarios of the paper's experiments (formulation §8, Table 1).

Two things are random in a trial: which satellites fly, and what the network
costs.  Both enter only through a ``seed`` (or an ``rng``), and the same seed
gives identical tables on any machine.

Prices and rates (:func:`draw_prices`) are drawn uniformly from
:data:`TABLE1` at the level the paper's Table 1 states: once per provider
(integration cost, setup cost shared by all its stations, pricing scheme),
once per station (monthly, licence, pass and minute cost, data rate) and once
per satellite (data rate).  The draw order is fixed and independent of the
order of the input rows:

1. providers sorted by name: integration cost, then setup cost, then one
   uniform per provider deciding the pricing scheme (``u < per_minute_probability``
   means per-minute pricing);
2. stations sorted by ``station_id``: monthly cost, licence cost, pass cost,
   minute cost, data rate (each a vector over all stations; the price the
   provider's scheme does not use is then set to 0);
3. satellites sorted by id: data rate.

Satellites come last, so the station prices of a seed do not depend on the
number of satellites.  Money is rounded to cents, rates to whole bit/s.

Satellite sampling (:func:`sample_satellites`) makes the rule explicit: three
in four satellites between 300 and 1 000 km in the 2025-03 Celestrak snapshot
are Starlink, so "random LEO satellites" is mostly one constellation unless a
rule says otherwise (see :data:`MEGACONSTELLATION_PATTERNS` and
:data:`EARTH_OBSERVATION_PATTERNS`).

Per-trial seeds (:func:`trial_seed`) come from ``np.random.SeedSequence``
spawn keys, so trial ``i`` of base seed ``s`` is reproducible on its own,
without generating trials ``0 .. i-1`` first.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError, SatelliteDataError

if TYPE_CHECKING:  # pragma: no cover
    from gstk.satellites import Satellites
    from gstk.scenario_files import Scenario

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

#: The paper's altitude band for sampled satellites: perigee and apogee in [300, 1000] km.
PAPER_ALTITUDE_KM = (300.0, 1000.0)

#: Broadband mega-constellations (whole-name globs, case-insensitive) dropped by
#: rule 'exclude-megaconstellations': SpaceX Starlink, Eutelsat OneWeb, Amazon Kuiper,
#: SSST Qianfan ("Thousand Sails", also filed as G60), China SatNet Guowang (its test
#: satellites are catalogued as HULIANWANG JISHU / HULIANGWANG), Telesat Lightspeed, E-Space.
MEGACONSTELLATION_PATTERNS: tuple[str, ...] = (
    "STARLINK*", "ONEWEB*", "KUIPER*", "QIANFAN*", "G60*", "GUOWANG*", "SATNET*",
    "HULIANWANG*", "HULIANGWANG*", "LIGHTSPEED*", "E-SPACE*",
)

#: Earth-observation operators and missions (whole-name globs, case-insensitive) kept by
#: rule 'earth-observation': optical and radar imagers (Planet FLOCK/SKYSAT, Maxar WORLDVIEW,
#: Airbus PLEIADES/SPOT, ICEYE, Capella, Umbra, Satellogic NUSAT, Chang Guang JILIN,
#: SuperView, Gaofen, KOMPSAT/ARIRANG, CARTOSAT, RESURS, KANOPUS, COSMO-SKYMED, TerraSAR-X,
#: TanDEM-X, RADARSAT, SAOCOM, ALOS, FORMOSAT, DEIMOS, ZIYUAN, HUANJING), the Copernicus
#: SENTINELs, LANDSAT, weather and climate missions (NOAA, METOP, SUOMI NPP, JPSS, TERRA,
#: AQUA, GCOM, SMAP, OCO, GRACE-FO, ICESAT, CRYOSAT, SWARM, GHGSAT) and Spire's LEMUR
#: (radio occultation and AIS).
EARTH_OBSERVATION_PATTERNS: tuple[str, ...] = (
    "SENTINEL*", "LANDSAT*", "WORLDVIEW*", "PLEIADES*", "SPOT *", "SKYSAT*", "FLOCK*", "LEMUR*",
    "ICEYE*", "CAPELLA*", "UMBRA*", "NUSAT*", "JILIN*", "SUPERVIEW*", "GAOFEN*", "KOMPSAT*",
    "ARIRANG*", "CARTOSAT*", "RESURS*", "KANOPUS*", "COSMO-SKYMED*", "TERRASAR*", "TANDEM*",
    "RADARSAT*", "SAOCOM*", "ALOS*", "FORMOSAT*", "DEIMOS*", "ZIYUAN*", "HUANJING*",
    "NOAA *", "METOP*", "SUOMI NPP*", "JPSS*", "TERRA", "AQUA", "GCOM*", "SMAP", "OCO*",
    "GRACE-FO*", "ICESAT*", "CRYOSAT*", "SWARM*", "GHGSAT*",
)

#: Sampling rules of :func:`sample_satellites`.
SAMPLING_RULES = ("exclude-megaconstellations", "earth-observation", "all")

_STATION_DRAWS = ("monthly_cost_usd", "licence_cost_usd", "pass_cost_usd", "minute_cost_usd",
                  "station_rate_bps")
_PRICE_COLUMNS = ("setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd",
                  "minute_cost_usd", "rate_bps")


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
        At least ``station_id`` and ``provider`` (e.g. :func:`gstk.stations.load_stations`);
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
    gen = _generator(seed, rng)
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


# --------------------------------------------------------------------------- satellites
def rule_mask(names: Iterable[str], rule: str) -> np.ndarray:
    """Return which ``names`` a sampling rule keeps (see :data:`SAMPLING_RULES`).

    Examples
    --------
    >>> rule_mask(["STARLINK-1007", "SENTINEL-2A", "ISS (ZARYA)"], "exclude-megaconstellations").tolist()
    [False, True, True]
    >>> rule_mask(["STARLINK-1007", "SENTINEL-2A", "ISS (ZARYA)"], "earth-observation").tolist()
    [False, True, False]
    """
    from gstk.satellites import name_mask

    names = np.asarray([str(n) for n in names], dtype=str)
    if rule == "all":
        return np.ones(len(names), dtype=bool)
    if rule == "exclude-megaconstellations":
        return ~name_mask(names, list(MEGACONSTELLATION_PATTERNS))
    if rule == "earth-observation":
        return name_mask(names, list(EARTH_OBSERVATION_PATTERNS))
    raise GstkError(f"unknown sampling rule {rule!r}; expected one of {list(SAMPLING_RULES)}")


def eligible_satellites(catalog: Satellites, *, altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
                        rule: str = "exclude-megaconstellations") -> Satellites:
    """Return the catalog satellites inside the altitude band that ``rule`` keeps, sorted by id.

    ``altitude_km`` bounds both perigee and apogee (``None``: any altitude).
    Sorting by id (NORAD numbers numerically) makes samples independent of file order.
    """
    band = catalog if altitude_km is None else catalog.select(altitude_km=tuple(altitude_km))
    kept = band[rule_mask(band.name, rule)]
    ids = kept.satellite_id.tolist()
    key = [(0, int(i), "") if i.isdigit() else (1, 0, i) for i in ids]
    return kept[np.array(sorted(range(len(ids)), key=key.__getitem__), dtype=int)]


def sample_satellites(
    catalog: Satellites,
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    rng: np.random.Generator | None = None,
    altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
    rule: str = "exclude-megaconstellations",
) -> Satellites:
    """Sample ``n`` satellites without replacement under an explicit rule.

    Parameters
    ----------
    catalog : Satellites
        E.g. ``load_satellites(gstk.datasets.shared_tle_path())``.
    n : int
        How many satellites.
    seed, rng
        Randomness (see :func:`draw_prices`).
    altitude_km : (low, high) or None
        Perigee and apogee within this band, km (paper: 300-1 000).
    rule : {"exclude-megaconstellations", "earth-observation", "all"}
        Which satellites are eligible: all but :data:`MEGACONSTELLATION_PATTERNS`
        (default), only :data:`EARTH_OBSERVATION_PATTERNS`, or every satellite
        in the band (three in four are then Starlink).

    Returns
    -------
    Satellites
        The sample, in id order.

    Examples
    --------
    >>> from gstk.satellites import demo_constellation
    >>> sample_satellites(demo_constellation(), 2, seed=1, rule="all").satellite_id.tolist()
    ['DEMO-2', 'DEMO-3']
    """
    pool = eligible_satellites(catalog, altitude_km=altitude_km, rule=rule)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= len(pool):
        raise SatelliteDataError(
            f"cannot sample {n!r} satellites: {len(pool)} are eligible under rule {rule!r} "
            f"and altitude_km={altitude_km}; ask for at most {len(pool)} or widen the band/rule"
        )
    picked = _generator(seed, rng).choice(len(pool), size=int(n), replace=False)
    log.debug("sampled %d of %d eligible satellites (rule %s)", n, len(pool), rule)
    return pool[np.sort(picked)]


# --------------------------------------------------------------------------- scenarios
def random_scenario(
    catalog: Satellites | str | os.PathLike,
    stations: pd.DataFrame | Mapping[str, Any] | None,
    n_satellites: int,
    *,
    seed: int,
    rule: str = "exclude-megaconstellations",
    objective: Any = None,
    constraints: Iterable[Any] = (),
    mission_days: float = 365.0,
    start: Any = "2025-03-11T00:00:00Z",
    days: float = 7.0,
    altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
    solver: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Scenario:
    """Return one paper-style trial: sampled satellites, Table 1 prices, objective and constraints.

    ``seed`` is split with ``SeedSequence`` spawn keys into a sampling seed
    (child 0) and a price seed (child 1), both stored in the scenario, so
    ``scenario.save(path)`` writes a file that reloads to the same trial.  For
    trial ``i`` of an experiment pass ``seed=trial_seed(base_seed, i)``.

    ``catalog`` is a TLE/OMM path (recorded in the scenario with the sampling
    seed) or a loaded :class:`~gstk.satellites.Satellites` (the sample is then
    recorded as TLE lines, or as mean elements for designed orbits).
    ``stations`` is a loaded table (recorded by station id against the bundled
    catalog), a station filter mapping as in scenario files, or None
    (operational bundled stations).
    Objective and constraints are specs or spec dicts; the default objective is
    :class:`~gstk.model.specs.MaxMissionData`.
    """
    from gstk.scenario_files import scenario_from_parts

    sample_seed, price_seed = trial_seed(seed, 0), trial_seed(seed, 1)
    return scenario_from_parts(
        catalog=catalog, stations=stations, n_satellites=n_satellites, sample_seed=sample_seed,
        price_seed=price_seed, rule=rule, altitude_km=altitude_km, objective=objective,
        constraints=constraints, mission_days=mission_days, start=start, days=days,
        solver=solver, name=name or f"random-{n_satellites}sat-seed{seed}",
    )
