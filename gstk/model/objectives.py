"""Objectives (2)–(4) of formulation §5 as cvxpy expressions in model units.

Money is in k$ (``MODEL_MONEY_UNIT_USD``), data in Gbit (``MODEL_DATA_UNIT_BIT``)
and the max-gap bound in hours (``MODEL_TIME_UNIT_S``), so the solver sees
coefficients near 1–1e6.  Multiply the solver's objective value by the
matching ``*_scale`` to get USD, bits or seconds.
"""
from __future__ import annotations

import cvxpy as cp

from gstk.model.data import ModelData
from gstk.model.variables import Variables
from gstk.units import MODEL_DATA_UNIT_BIT, MODEL_MONEY_UNIT_USD, MODEL_TIME_UNIT_S

__all__ = ["OBJECTIVES", "max_gap", "mission_cost", "mission_data"]


def mission_cost(data: ModelData, v: Variables) -> cp.Expression:
    """Eq. (2): total mission cost in k$.

    sum_p C^int_p z_p + sum_s (C^set_s + M C^mon_s) y_s + sum_{s,k} C^lic_s w_sk
    + rho sum_c kappa_c x_c, with kappa_c, M and rho from :mod:`gstk.problem.costs`
    (kappa_c and the weight M of C^mon as the problem's cost model prices them).
    """
    unit = MODEL_MONEY_UNIT_USD
    cost = cp.Constant(0.0)
    if len(data.provider_ids):
        cost = cost + data.integration_cost_usd / unit @ v.z
    if len(data.station_ids):
        cost = cost + (data.setup_cost_usd + data.monthly_weight * data.monthly_cost_usd) / unit @ v.y
    if data.n_contacts:
        cost = cost + data.pair_licence_cost_usd / unit @ v.w
        cost = cost + data.surrogate_scale * data.contact_cost_usd / unit @ v.x
    return cost


def mission_data(data: ModelData, v: Variables) -> cp.Expression:
    """Eq. (3): total mission downlink rho sum_c v_c x_c, in Gbit."""
    if data.n_contacts == 0:
        return cp.Constant(0.0)
    return data.surrogate_scale * data.volume_bit / MODEL_DATA_UNIT_BIT @ v.x


def max_gap(data: ModelData, v: Variables) -> cp.Expression:
    """Eq. (4): the largest contact gap G of any satellite, in hours (the dense model's bound variable)."""
    return v.extras["G"]


#: builder name -> (expression function, sense, factor from model unit to USD / bits / seconds)
OBJECTIVES = {
    "min_mission_cost": (mission_cost, "min", MODEL_MONEY_UNIT_USD),
    "max_mission_data": (mission_data, "max", MODEL_DATA_UNIT_BIT),
    "min_max_gap": (max_gap, "min", MODEL_TIME_UNIT_S),
}
