"""The one cost function of gstk.

Formulation §1 and (2): the cost of taking a contact and the mission cost
broken down by the terms of (2).  The objective builder, the monthly cost
cap (10), the solution report and the independent verifier all call these
functions, so they cannot disagree (see formulation §9: per-minute prices
multiplied by durations in seconds).

Cost models.  Every function here takes ``cost_model``, the name of the rule
that prices a network:

``"gstk"`` (the default)
    formulation §5: kappa_c = C^pass + C^min d_c / 60 and the monthly costs
    of (2) weighted by M = T_opt / mu.
``"reference-2025"``
    the reference implementation as published, with both pitfalls of
    formulation §9 reproduced on purpose: per-minute prices multiplied by
    durations in *seconds* (kappa_c = C^pass + C^min d_c, 60 times too large)
    in the objective (2) and in the cap (10), and the monthly costs of (2)
    weighted by 12 T_opt / (365.25 * 86400 * T_sim) = M / T_sim with T_sim
    in seconds (divided by T_sim a second time, so they all but vanish).
    The cap's monthly term sum_s C^mon_s y_s is the same in both models.
    It exists only to reconcile gstk with the paper's numbers
    (:mod:`gstk.study.claims`); never use it to buy a network.

A problem names its model (``Problem.cost_model``), the model data, the
solution and the verifier carry it, so all four price a network the same way.
"""
from __future__ import annotations

import numpy as np

from gstk.errors import GstkError
from gstk.units import SECONDS_PER_MINUTE, SECONDS_PER_MONTH

#: Names of the terms of Eq. (2), in report order.
COST_TERMS = ("integration", "setup", "monthly", "licence", "contacts")

#: The cost models (see the module docstring); the first is the default.
COST_MODELS = ("gstk", "reference-2025")
DEFAULT_COST_MODEL = COST_MODELS[0]


def check_cost_model(name, where: str = "cost_model") -> str:
    """Return ``name`` if it is one of :data:`COST_MODELS`, else raise a one-line GstkError naming ``where``.

    Examples
    --------
    >>> check_cost_model("reference-2025")
    'reference-2025'
    """
    if not isinstance(name, str) or name not in COST_MODELS:
        raise GstkError(f"{where}: unknown cost model {name!r}; expected one of {list(COST_MODELS)}")
    return name


def contact_cost_usd(pass_cost_usd, minute_cost_usd, duration_s, cost_model: str = DEFAULT_COST_MODEL):
    """Return kappa_c, the price of one contact in USD.

    ``"gstk"``: C^pass + C^min * d_c / 60; ``"reference-2025"``: C^pass + C^min * d_c
    (d_c in seconds, formulation §9).

    Examples
    --------
    >>> float(contact_cost_usd(100.0, 0.0, 600.0)), float(contact_cost_usd(0.0, 10.0, 90.0))
    (100.0, 15.0)
    >>> float(contact_cost_usd(0.0, 10.0, 90.0, "reference-2025"))
    900.0
    """
    per_second = 1.0 if check_cost_model(cost_model) == "reference-2025" else 1.0 / SECONDS_PER_MINUTE
    return np.asarray(pass_cost_usd, float) + np.asarray(minute_cost_usd, float) * (
        np.asarray(duration_s, float) * per_second
    )


def monthly_weight(mission_duration_s: float, sim_duration_s: float,
                   cost_model: str = DEFAULT_COST_MODEL) -> float:
    """Return the weight of sum_s C^mon_s y_s in (2): M = T_opt / mu, or M / T_sim (s) for "reference-2025".

    Examples
    --------
    >>> round(monthly_weight(365.25 * 86400, 7 * 86400), 6)
    12.0
    >>> round(monthly_weight(365.25 * 86400, 7 * 86400, "reference-2025") * 7 * 86400, 6)
    12.0
    """
    months = mission_months(mission_duration_s)
    return months / float(sim_duration_s) if check_cost_model(cost_model) == "reference-2025" else months


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
    cost_model: str = DEFAULT_COST_MODEL,
) -> dict[str, float]:
    """Return the terms of Eq. (2) in USD for 0/1 selection vectors.

    integration = sum_p C^int_p z_p; setup = sum_s C^set_s y_s;
    monthly = M sum_s C^mon_s y_s (:func:`monthly_weight` of ``cost_model``);
    licence = sum_{s,k} C^lic_s w_sk; contacts = rho sum_c kappa_c x_c, with
    ``contact_cost`` the kappa_c of the same ``cost_model``.  The total is their sum.
    """
    weight = monthly_weight(mission_duration_s, sim_duration_s, cost_model)
    terms = {
        "integration": float(np.dot(integration_cost_usd, providers_used)),
        "setup": float(np.dot(setup_cost_usd, stations_used)),
        "monthly": weight * float(np.dot(monthly_cost_usd, stations_used)),
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
    """Return the left side of Eq. (10): sum_s C^mon_s y_s + (mu / T_sim) sum_c kappa_c x_c.

    ``contact_cost`` carries the cost model (its kappa_c); the monthly term is the same in every model.
    """
    return float(np.dot(monthly_cost_usd, stations_used)) + SECONDS_PER_MONTH / float(
        sim_duration_s
    ) * float(np.dot(contact_cost, contacts_taken))


def monthly_operational_cost_from_terms_usd(breakdown: dict[str, float], *, mission_duration_s: float,
                                            sim_duration_s: float,
                                            cost_model: str = DEFAULT_COST_MODEL) -> float:
    """Return the left side of Eq. (10) from the ``monthly`` and ``contacts`` terms of (2).

    monthly / w + contacts / M, with w the :func:`monthly_weight` of ``cost_model``:
    the same number :func:`monthly_operational_cost_usd` gives from the selection.
    """
    weight = monthly_weight(mission_duration_s, sim_duration_s, cost_model)
    months = mission_months(mission_duration_s)
    return breakdown.get("monthly", 0.0) / weight + breakdown.get("contacts", 0.0) / months
