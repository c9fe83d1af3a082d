"""Coverage geometry: how far from a station a satellite at a given altitude is visible."""
from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt

from gstk.errors import GstkError
from gstk.units import EARTH_RADIUS_KM

logger = logging.getLogger(__name__)


def coverage_half_angle_deg(altitude_km: npt.ArrayLike, elevation_mask_deg: npt.ArrayLike,
                            *, earth_radius_km: float = EARTH_RADIUS_KM) -> np.ndarray | float:
    """Return the Earth-central half-angle of a station's coverage circle, degrees.

    A satellite at ``altitude_km`` is seen above ``elevation_mask_deg`` from every
    ground point within the Earth-central angle
    ``lambda = arccos(R cos(eps) / (R + h)) - eps`` of the sub-satellite point
    (spherical Earth of radius ``R``).  The same circle, centred on a station,
    is where the sub-satellite point must be for that station to see the
    satellite.

    Parameters
    ----------
    altitude_km : float or array_like
        Satellite altitude above the sphere, km (> 0).
    elevation_mask_deg : float or array_like
        Minimum elevation, degrees, in [0, 90].
    earth_radius_km : float
        Sphere radius, km (default: the SGP4 Earth radius).

    Returns
    -------
    float or numpy.ndarray
        Half-angle lambda in degrees, in [0, 90); broadcast over the inputs.

    Raises
    ------
    GstkError
        If an altitude is not positive or a mask is outside [0, 90] degrees.

    Examples
    --------
    >>> round(float(coverage_half_angle_deg(500.0, 10.0)), 2)
    14.05
    """
    h = np.asarray(altitude_km, dtype=float)
    eps_deg = np.asarray(elevation_mask_deg, dtype=float)
    if np.any(~(h > 0)):
        raise GstkError(f"altitude_km must be > 0 km, got {altitude_km!r}; "
                        "pass the satellite altitude above the Earth's surface.")
    if np.any(~((eps_deg >= 0) & (eps_deg <= 90))):
        raise GstkError(f"elevation_mask_deg must be in [0, 90] degrees, got "
                        f"{elevation_mask_deg!r}; pass the station's minimum elevation.")
    eps = np.radians(eps_deg)
    ratio = earth_radius_km * np.cos(eps) / (earth_radius_km + h)
    lam = np.degrees(np.arccos(ratio) - eps)
    return float(lam) if lam.ndim == 0 else lam
