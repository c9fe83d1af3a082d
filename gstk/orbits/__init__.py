"""Orbits: element sets (TLE, OMM, mean elements), satellite tables, SGP4 propagation, sampling."""
from gstk.orbits.coverage import coverage_half_angle_deg
from gstk.orbits.elements import (
    DEFAULT_EPOCH,
    ELEMENT_UNITS,
    TROPICAL_YEAR_DAYS,
    element_satrecs,
    elements_frame,
    mean_sun_right_ascension_deg,
    raan_from_ltan_deg,
    sun_synchronous_elements,
    sun_synchronous_inclination_deg,
    utc_epochs,
    walker_elements,
)
from gstk.orbits.omm import (
    CELESTRAK_OMM_KEYS,
    OMM_DEFAULTS,
    OMM_REQUIRED,
    checked_fields,
    omm_records,
    satrecs_from_omm,
    sgp4_epoch_text,
)
from gstk.orbits.propagation import (
    LookAngles,
    elevation_deg,
    gmst_rad,
    ground_track,
    itrf_states_km,
    julian_dates,
    look_angles,
    station_ecef_km,
    station_enu_axes,
    teme_positions_km,
    teme_states_km,
    teme_to_itrf,
)
from gstk.orbits.sampling import (
    EARTH_OBSERVATION_PATTERNS,
    MEGACONSTELLATION_PATTERNS,
    PAPER_ALTITUDE_KM,
    SAMPLING_RULES,
    eligible_satellites,
    rule_mask,
    sample_satellites,
)
from gstk.orbits.satellites import (
    CELESTRAK_GP_URL,
    SatelliteRecord,
    Satellites,
    demo_constellation,
    download_celestrak,
    load_satellites,
    satellites_from_elements,
)
from gstk.orbits.selection import name_mask, picked_mask, sample_positions, selection_mask
from gstk.orbits.sources import (
    FORMATS,
    celestrak_tle_text,
    detect_format,
    fetch_text,
    omm_satrecs,
    read_source,
    satrecs_from_text,
    source_satrecs,
    tle_satrecs,
)
from gstk.orbits.tle import (
    TLE_FIELDS,
    TLE_LINE_LENGTH,
    TLE_TEMPLATES,
    TLERecord,
    check_record,
    satrec_from_record,
    template_problem,
    tle_checksum,
    tle_records,
)
from gstk.orbits.validity import MAX_ELEMENT_AGE_DAYS, element_age_days, element_age_problem, epochs_utc

__all__ = [
    "TLE_TEMPLATES", "TLE_LINE_LENGTH", "TLE_FIELDS", "TLERecord", "tle_checksum", "tle_records",
    "check_record", "template_problem", "satrec_from_record", "OMM_REQUIRED", "OMM_DEFAULTS",
    "CELESTRAK_OMM_KEYS", "omm_records", "satrecs_from_omm", "checked_fields", "sgp4_epoch_text",
    "DEFAULT_EPOCH", "TROPICAL_YEAR_DAYS", "ELEMENT_UNITS", "element_satrecs", "elements_frame",
    "sun_synchronous_inclination_deg", "mean_sun_right_ascension_deg", "raan_from_ltan_deg",
    "sun_synchronous_elements", "walker_elements", "utc_epochs", "FORMATS", "read_source", "detect_format",
    "satrecs_from_text", "source_satrecs", "tle_satrecs", "omm_satrecs", "celestrak_tle_text", "fetch_text",
    "name_mask", "selection_mask", "picked_mask", "sample_positions", "Satellites", "SatelliteRecord",
    "load_satellites", "satellites_from_elements", "demo_constellation", "download_celestrak",
    "CELESTRAK_GP_URL", "LookAngles", "julian_dates", "teme_states_km", "teme_positions_km", "gmst_rad",
    "teme_to_itrf", "itrf_states_km", "station_ecef_km", "station_enu_axes", "look_angles", "elevation_deg",
    "ground_track", "coverage_half_angle_deg", "PAPER_ALTITUDE_KM", "MEGACONSTELLATION_PATTERNS",
    "EARTH_OBSERVATION_PATTERNS", "SAMPLING_RULES", "rule_mask", "eligible_satellites", "sample_satellites",
    "MAX_ELEMENT_AGE_DAYS", "epochs_utc", "element_age_days", "element_age_problem",
]
