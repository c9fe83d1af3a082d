"""ModelData: the sets and coefficients of formulation §1, as arrays, after prefilters.

Symbol -> field (inside ``gstk.model`` math symbols are allowed):

====================  ==============================================
a_c, b_c, d_c         ``aos_s``, ``los_s``, ``duration_s`` (s from sim start)
k(c), s(c)            ``satellite_of_contact``, ``station_of_contact``
p(s)                  ``provider_of_station``
(s, k) licence pairs  ``pair_station``, ``pair_satellite``; ``pair_of_contact``
r_c, v_c              ``rate_bps``, ``volume_bit`` (a rate model's v_c and mean rate: gstk.problem.volumes)
kappa_c               ``contact_cost_usd``
C^int_p               ``integration_cost_usd``
C^set_s, C^mon_s      ``setup_cost_usd``, ``monthly_cost_usd``
C^lic_s               ``licence_cost_usd`` (per station); ``pair_licence_cost_usd``
A_s                   ``antennas``
tau_s, sigma_k        ``station_turnaround_s``, ``satellite_slew_s`` (NaN: the (11)/(12) spec's value)
T_sim, T_opt          ``sim_duration_s``, ``mission_duration_s``
rho, M                ``surrogate_scale``, ``mission_months``
weight of C^mon in (2) ``monthly_weight`` (M, or M / T_sim under ``cost_model`` "reference-2025")
C_s, C_k, S_p         sparse incidence ``contacts_at_station`` (S x C),
                      ``contacts_of_satellite`` (K x C), ``stations_of_provider`` (P x S),
                      ``contacts_of_pair`` (W x C)
====================  ==============================================

Everything is in SI units and USD; objective builders scale to Gbit and k$.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from gstk.errors import GstkError
from gstk.problem.costs import DEFAULT_COST_MODEL, contact_cost_usd, mission_months, monthly_weight, surrogate_scale
from gstk.problem.definition import Problem
from gstk.problem.operations import satellite_slew_s, station_turnaround_s
from gstk.problem.prefilters import apply_prefilters
from gstk.problem.volumes import contact_volume_bit, link_volume_column
from gstk.problem.window import contact_keys, sim_window
from gstk.times import utc_series


def _incidence(rows: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """Return the 0/1 matrix with a one at (rows[j], j)."""
    n = len(rows)
    return sp.csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(n_rows, n))


@dataclass(frozen=True, eq=False)
class ModelData:
    """Arrays of one problem instance (see the module docstring for the symbol map)."""

    contacts: pd.DataFrame
    satellite_ids: tuple[str, ...]
    station_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    aos_s: np.ndarray
    los_s: np.ndarray
    duration_s: np.ndarray
    satellite_of_contact: np.ndarray
    station_of_contact: np.ndarray
    provider_of_station: np.ndarray
    pair_station: np.ndarray
    pair_satellite: np.ndarray
    pair_of_contact: np.ndarray
    rate_bps: np.ndarray
    volume_bit: np.ndarray
    contact_cost_usd: np.ndarray
    integration_cost_usd: np.ndarray
    setup_cost_usd: np.ndarray
    monthly_cost_usd: np.ndarray
    licence_cost_usd: np.ndarray
    antennas: np.ndarray
    sim_start: pd.Timestamp
    sim_duration_s: float
    mission_duration_s: float
    cost_model: str = DEFAULT_COST_MODEL  # how kappa_c and the monthly weight are priced (gstk.problem.costs)
    station_turnaround_s: np.ndarray | None = None  # tau_s per station from the tables; None/NaN: the spec's
    satellite_slew_s: np.ndarray | None = None  # sigma_k per satellite from the table; None/NaN: the spec's

    # ------------------------------------------------------------------ derived
    @property
    def n_contacts(self) -> int:
        return len(self.aos_s)

    @property
    def surrogate_scale(self) -> float:
        """rho = T_opt / T_sim."""
        return surrogate_scale(self.mission_duration_s, self.sim_duration_s)

    @property
    def mission_months(self) -> float:
        """M = T_opt / mu."""
        return mission_months(self.mission_duration_s)

    @property
    def monthly_weight(self) -> float:
        """The weight of sum_s C^mon_s y_s in (2) under ``cost_model`` (M for "gstk")."""
        return monthly_weight(self.mission_duration_s, self.sim_duration_s, self.cost_model)

    @property
    def pair_licence_cost_usd(self) -> np.ndarray:
        """C^lic_s of each licence pair (s, k)."""
        return self.licence_cost_usd[self.pair_station]

    def used_by(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (y, z, w): the stations, providers and licence pairs selection ``x`` uses, by (5)-(7)."""
        y = np.bincount(self.station_of_contact[x], minlength=len(self.station_ids)) > 0
        z = np.bincount(self.provider_of_station[y], minlength=len(self.provider_ids)) > 0
        w = np.bincount(self.pair_of_contact[x], minlength=len(self.pair_station)) > 0
        return y, z, w

    @property
    def contacts_at_station(self) -> sp.csr_matrix:
        return _incidence(self.station_of_contact, len(self.station_ids))

    @property
    def contacts_of_satellite(self) -> sp.csr_matrix:
        return _incidence(self.satellite_of_contact, len(self.satellite_ids))

    @property
    def stations_of_provider(self) -> sp.csr_matrix:
        return _incidence(self.provider_of_station, len(self.provider_ids))

    @property
    def contacts_of_pair(self) -> sp.csr_matrix:
        return _incidence(self.pair_of_contact, len(self.pair_station))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_problem(cls, contacts: pd.DataFrame, problem: Problem, *, start=None, end=None) -> "ModelData":
        """Apply the problem's prefilters to ``contacts`` and index everything.

        Contacts must have ``satellite_id, station_id, aos, los`` (UTC); the simulation
        window comes from ``start``/``end`` or ``contacts.attrs``.
        """
        t0, t1 = sim_window(contacts, start, end)
        _check_contacts(contacts, problem)
        kept, stations = apply_prefilters(contacts, problem.stations, problem.constraints)
        stations = stations.sort_values("station_id", kind="stable").reset_index(drop=True)
        providers = problem.providers[problem.providers["provider"].isin(stations["provider"])]
        providers = providers.sort_values("provider", kind="stable").reset_index(drop=True)
        kept = _indexed_contacts(kept, t0)
        satellite_ids = tuple(sorted(problem.satellites["satellite_id"]))
        station_ids = tuple(stations["station_id"])
        station_index = {s: i for i, s in enumerate(station_ids)}
        sat_index = {k: i for i, k in enumerate(satellite_ids)}
        s_of_c = kept["station_id"].map(station_index).to_numpy(int)
        k_of_c = kept["satellite_id"].map(sat_index).to_numpy(int)
        pair_codes, pairs = pd.factorize(pd.Series(list(zip(s_of_c, k_of_c)), dtype=object), sort=True)
        pair_arr = np.array([tuple(p) for p in pairs], dtype=int).reshape(-1, 2)
        sat_rate = problem.satellites.set_index("satellite_id")["rate_bps"].astype(float)
        rate = np.minimum(stations["rate_bps"].to_numpy(float)[s_of_c],  # (1)
                          sat_rate.reindex(kept["satellite_id"]).to_numpy(float))
        duration = kept["los_s"].to_numpy(float) - kept["aos_s"].to_numpy(float)
        volume, rate = contact_volume_bit(rate, duration, link_volume_column(kept))  # v_c; rate: v_c / d_c
        kappa = contact_cost_usd(stations["pass_cost_usd"].to_numpy(float)[s_of_c],
                                 stations["minute_cost_usd"].to_numpy(float)[s_of_c], duration,
                                 problem.cost_model)
        provider_index = {p: i for i, p in enumerate(providers["provider"])}
        return cls(
            contacts=kept, satellite_ids=satellite_ids, station_ids=station_ids,
            provider_ids=tuple(providers["provider"]),
            aos_s=kept["aos_s"].to_numpy(float), los_s=kept["los_s"].to_numpy(float), duration_s=duration,
            satellite_of_contact=k_of_c, station_of_contact=s_of_c,
            provider_of_station=stations["provider"].map(provider_index).to_numpy(int),
            pair_station=pair_arr[:, 0], pair_satellite=pair_arr[:, 1], pair_of_contact=np.asarray(pair_codes, int),
            rate_bps=rate, volume_bit=volume, contact_cost_usd=np.asarray(kappa, float),
            integration_cost_usd=providers["integration_cost_usd"].to_numpy(float),
            setup_cost_usd=stations["setup_cost_usd"].to_numpy(float),
            monthly_cost_usd=stations["monthly_cost_usd"].to_numpy(float),
            licence_cost_usd=stations["licence_cost_usd"].to_numpy(float),
            antennas=stations["antennas"].to_numpy(int),
            sim_start=t0, sim_duration_s=(t1 - t0).total_seconds(),
            mission_duration_s=problem.mission_duration_s, cost_model=problem.cost_model,
            station_turnaround_s=station_turnaround_s(stations, problem.providers),
            satellite_slew_s=satellite_slew_s(problem.satellites.set_index("satellite_id", drop=False)
                                              .loc[list(satellite_ids)]),
        )


def _check_contacts(contacts: pd.DataFrame, problem: Problem) -> None:
    missing = [c for c in ("satellite_id", "station_id", "aos", "los") if c not in contacts.columns]
    if missing:
        raise GstkError(f"contacts lack column(s) {missing}")
    unknown_sats = sorted(set(contacts["satellite_id"].astype(str)) - set(problem.satellites["satellite_id"]))
    if unknown_sats:
        raise GstkError(f"contacts name satellite(s) {unknown_sats[:5]} missing from Problem.satellites")
    unknown_st = sorted(set(contacts["station_id"].astype(str)) - set(problem.stations["station_id"]))
    if unknown_st:
        raise GstkError(f"contacts name station(s) {unknown_st[:5]} missing from Problem.stations")


def _indexed_contacts(contacts: pd.DataFrame, t0: pd.Timestamp) -> pd.DataFrame:
    """Return contacts sorted by (satellite, AOS, station) with aos_s/los_s and contact_id."""
    out = contacts.copy()
    out["satellite_id"] = out["satellite_id"].astype(str)
    out["station_id"] = out["station_id"].astype(str)
    out["aos"] = utc_series(out["aos"])
    out["los"] = utc_series(out["los"])
    out["aos_s"] = (out["aos"] - t0).dt.total_seconds()
    out["los_s"] = (out["los"] - t0).dt.total_seconds()
    out["contact_id"] = contact_keys(out)
    out = out.sort_values(["satellite_id", "aos_s", "station_id"], kind="stable").reset_index(drop=True)
    return out
