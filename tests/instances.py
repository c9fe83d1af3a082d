"""Small synthetic optimization instances for tests (random, seeded, no propagation).

``random_instance`` returns the contacts table and the price tables of a
problem with a few satellites, stations and providers, so brute force can
enumerate every selection.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-03-11T00:00:00Z")


def random_tables(rng: np.random.Generator, n_satellites: int, n_stations: int, n_providers: int,
                  *, max_antennas: int = 1):
    """Return (stations, providers, satellites) price/rate tables with paper-like ranges."""
    providers = [f"P{i}" for i in range(n_providers)]
    station_provider = [providers[i % n_providers] for i in range(n_stations)]
    per_minute = {p: bool(rng.random() < 0.5) for p in providers}
    stations = pd.DataFrame({
        "station_id": [f"{p}/S{i}" for i, p in enumerate(station_provider)],
        "provider": station_provider,
        "setup_cost_usd": rng.uniform(10_000, 100_000, n_stations).round(2),
        "monthly_cost_usd": rng.uniform(200, 5_000, n_stations).round(2),
        "licence_cost_usd": rng.uniform(1_000, 5_000, n_stations).round(2),
        "pass_cost_usd": [0.0 if per_minute[p] else float(rng.uniform(25, 175)) for p in station_provider],
        "minute_cost_usd": [float(rng.uniform(5, 35)) if per_minute[p] else 0.0 for p in station_provider],
        "rate_bps": rng.uniform(1.2e9, 2.0e9, n_stations).round(-6),
        "antennas": rng.integers(1, max_antennas + 1, n_stations),
        "status": "Operational",
        "bands": "S;X",
    })
    provider_table = pd.DataFrame({
        "provider": providers,
        "integration_cost_usd": rng.uniform(50_000, 200_000, n_providers).round(2),
    })
    satellites = pd.DataFrame({
        "satellite_id": [f"SAT{k}" for k in range(n_satellites)],
        "rate_bps": rng.uniform(0.9e9, 1.8e9, n_satellites).round(-6),
    })
    return stations, provider_table, satellites


def random_contacts(rng: np.random.Generator, stations: pd.DataFrame, satellites: pd.DataFrame,
                    n_contacts: int, *, horizon_s: float = 86_400.0,
                    min_duration_s: float = 60.0, max_duration_s: float = 900.0) -> pd.DataFrame:
    """Return ``n_contacts`` random windows within [0, horizon] with the contact-table columns."""
    aos = np.sort(rng.uniform(0, horizon_s - min_duration_s, n_contacts)).round(1)
    duration = rng.uniform(min_duration_s, max_duration_s, n_contacts).round(1)
    los = np.minimum(aos + duration, horizon_s)
    sat = rng.choice(satellites["satellite_id"].to_numpy(), n_contacts)
    st = rng.integers(0, len(stations), n_contacts)
    table = pd.DataFrame({
        "satellite_id": sat,
        "station_id": stations["station_id"].to_numpy()[st],
        "provider": stations["provider"].to_numpy()[st],
        "aos": START + pd.to_timedelta(aos, unit="s"),
        "los": START + pd.to_timedelta(los, unit="s"),
        "duration_s": los - aos,
    })
    table = table.drop_duplicates(["satellite_id", "station_id", "aos"]).reset_index(drop=True)
    table.attrs["start"] = START
    table.attrs["end"] = START + pd.Timedelta(seconds=horizon_s)
    return table


def random_instance(seed: int, *, n_satellites: int = 2, n_stations: int = 4, n_providers: int = 2,
                    n_contacts: int = 12, horizon_s: float = 86_400.0, max_antennas: int = 1):
    """Return (contacts, stations, providers, satellites) of one random instance."""
    rng = np.random.default_rng(seed)
    stations, providers, satellites = random_tables(rng, n_satellites, n_stations, n_providers,
                                                    max_antennas=max_antennas)
    contacts = random_contacts(rng, stations, satellites, n_contacts, horizon_s=horizon_s)
    return contacts, stations, providers, satellites
