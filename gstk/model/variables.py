"""Decision variables of formulation §2, one function per family.

x_c (contact taken), y_s (station used), z_p (provider used) and w_sk
(satellite k licensed at station s, only for pairs that share a contact) are
all binary.  Auxiliary variables a builder needs (the max-gap bound G and the
successor indicators of the dense model (4)) live in ``Variables.extras``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cvxpy as cp

from gstk.model.data import ModelData


@dataclass(frozen=True, eq=False)
class Variables:
    """The binary families x, y, z, w of §2 plus named auxiliary variables."""

    x: cp.Variable
    y: cp.Variable
    z: cp.Variable
    w: cp.Variable
    extras: dict[str, cp.Variable] = field(default_factory=dict)

    def all(self) -> list[cp.Variable]:
        """Return every variable, families first."""
        return [self.x, self.y, self.z, self.w, *self.extras.values()]


def contact_taken(data: ModelData) -> cp.Variable:
    """Return x: one binary per contact c in C (1 = the contact is taken)."""
    return cp.Variable(data.n_contacts, boolean=True, name="x")


def station_used(data: ModelData) -> cp.Variable:
    """Return y: one binary per station s in S (1 = the station is used)."""
    return cp.Variable(len(data.station_ids), boolean=True, name="y")


def provider_used(data: ModelData) -> cp.Variable:
    """Return z: one binary per provider p in P (1 = the provider is integrated)."""
    return cp.Variable(len(data.provider_ids), boolean=True, name="z")


def satellite_licensed(data: ModelData) -> cp.Variable:
    """Return w: one binary per (station, satellite) pair that has a contact (1 = licence bought)."""
    return cp.Variable(len(data.pair_station), boolean=True, name="w")


def variables(data: ModelData) -> Variables:
    """Return the four binary families of §2 for ``data``."""
    return Variables(x=contact_taken(data), y=station_used(data), z=provider_used(data),
                     w=satellite_licensed(data))
