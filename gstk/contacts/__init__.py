"""Contact windows: the vectorized pass search, horizon masks, rates along a pass, the contact table and its files."""
from gstk.contacts.arcs import (
    MAX_ITERATIONS,
    TAU_TOLERANCE,
    HermiteArcs,
    bracketed_newton,
    dot3,
    polymul,
    polyval,
    sin_elevation_and_rate,
    take3,
)
from gstk.contacts.files import CONTACT_UNITS, TIME_COLUMNS, read_contacts_csv, write_contacts_csv
from gstk.contacts.masks import MASK_STEP_S, HorizonMask, apply_horizon_masks
from gstk.contacts.profiles import (
    NODE_STEP_S,
    GridStates,
    IntervalArcs,
    IntervalSamples,
    PassProfiles,
    exact_look,
    grid_states,
    interval_arcs,
    interval_samples,
    pass_profiles,
    station_frames,
)
from gstk.contacts.rates import LinkBudget, RateTable, StationRates, free_space_path_loss_db, rate_model_from_dict
from gstk.contacts.search import NEAR_MISS_SLACK, PEAK_CHECK, TIME_TOLERANCE_S, ContactSearch, Events, Sites
from gstk.contacts.volumes import contact_volumes_bit, integrate_volumes, with_volumes
from gstk.contacts.windows import (
    AUTO_PROGRESS_ELEMENTS,
    CHUNK_ELEMENTS,
    COLUMNS,
    MAX_STEP_S,
    MIN_STEP_S,
    SAMPLES_PER_ORBIT,
    UNITS,
    compute_contacts,
    default_step_s,
)

__all__ = [
    "TAU_TOLERANCE", "MAX_ITERATIONS", "take3", "dot3", "sin_elevation_and_rate", "polyval", "polymul",
    "HermiteArcs", "bracketed_newton", "TIME_TOLERANCE_S", "PEAK_CHECK", "NEAR_MISS_SLACK", "Sites", "Events",
    "ContactSearch", "compute_contacts", "default_step_s", "COLUMNS", "UNITS", "SAMPLES_PER_ORBIT",
    "MIN_STEP_S", "MAX_STEP_S", "CHUNK_ELEMENTS", "AUTO_PROGRESS_ELEMENTS", "TIME_COLUMNS", "CONTACT_UNITS",
    "write_contacts_csv", "read_contacts_csv", "RateTable", "LinkBudget", "StationRates", "free_space_path_loss_db",
    "rate_model_from_dict", "contact_volumes_bit", "integrate_volumes", "with_volumes", "HorizonMask",
    "apply_horizon_masks", "MASK_STEP_S", "NODE_STEP_S", "PassProfiles", "pass_profiles", "exact_look",
    "station_frames", "GridStates", "grid_states", "IntervalArcs", "IntervalSamples", "interval_arcs",
    "interval_samples",
]
