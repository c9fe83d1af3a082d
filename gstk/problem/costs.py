"""The one cost function of gstk.

Formulation §1 and (2): the cost of taking a contact and the mission cost
broken down by the terms of (2).  The objective builder, the monthly cost
cap (10), the solution report and the independent verifier all call these
functions, so they cannot disagree (see formulation §9: per-minute prices
multiplied by durations in seconds).
"""
from __future__ import annotations

import numpy as np

from gstk.units import SECONDS_PER_MINUTE, SECONDS_PER_MONTH

#: Names of the terms of Eq. (2), in report order.
COST_TERMS = ("integration", "setup", "monthly", "licence", "contacts")


def contact_cost_usd(pass_cost_usd, minute_cost_usd, duration_s):
    """Return kappa_c = C^pass + C^min * d_c / 60, the price of one contact in USD.

    Examples
    --------
    >>> float(contact_cost_usd(100.0, 0.0, 600.0)), float(contact_cost_usd(0.0, 10.0, 90.0))
    (100.0, 15.0)
    """
    return np.asarray(pass_cost_usd, float) + np.asarray(minute_cost_usd, float) * (
        np.asarray(duration_s, float) / SECONDS_PER_MINUTE
    )


def mission_months(mission_duration_s: float) -> float:
    """Return M = T_opt / mu, the number of mean months in the mission."""
    return float(mission_duration_s) / SECONDS_PER_MONTH


def surrogate_scale(mission_duration_s: float, sim_duration_s: float) -> float:
    """Return rho = T_opt / T_sim, the factor scaling per-contact quantities to the mission."""
    return float(mission_duration_s) / float(sim_duration_s)


def mission_cost_breakdown_usd(
    *,
    integration_cost_usd: np.ndarray,
    providers_used: np.ndarray,
    setup_cost_usd: np.ndarray,
    monthly_cost_usd: np.ndarray,
    stations_used: np.ndarray,
    licence_cost_usd_per_pair: np.ndarray,
    pairs_used: np.ndarray,
    contact_cost: np.ndarray,
    contacts_taken: np.ndarray,
    mission_duration_s: float,
    sim_duration_s: float,
) -> dict[str, float]:
    """Return the terms of Eq. (2) in USD for 0/1 selection vectors.

    integration = sum_p C^int_p z_p; setup = sum_s C^set_s y_s;
    monthly = M sum_s C^mon_s y_s; licence = sum_{s,k} C^lic_s w_sk;
    contacts = rho sum_c kappa_c x_c.  The total is their sum.
    """
    terms = {
        "integration": float(np.dot(integration_cost_usd, providers_used)),
        "setup": float(np.dot(setup_cost_usd, stations_used)),
        "monthly": mission_months(mission_duration_s) * float(np.dot(monthly_cost_usd, stations_used)),
        "licence": float(np.dot(licence_cost_usd_per_pair, pairs_used)),
        "contacts": surrogate_scale(mission_duration_s, sim_duration_s)
        * float(np.dot(contact_cost, contacts_taken)),
    }
    terms["total"] = sum(terms[name] for name in COST_TERMS)
    return terms


def monthly_operational_cost_usd(
    *,
    monthly_cost_usd: np.ndarray,
    stations_used: np.ndarray,
    contact_cost: np.ndarray,
    contacts_taken: np.ndarray,
    sim_duration_s: float,
) -> float:
    """Return the left side of Eq. (10): sum_s C^mon_s y_s + (mu / T_sim) sum_c kappa_c x_c."""
    return float(np.dot(monthly_cost_usd, stations_used)) + SECONDS_PER_MONTH / float(
        sim_duration_s
    ) * float(np.dot(contact_cost, contacts_taken))
