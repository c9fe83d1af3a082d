"""Independent verification: every constraint and the objective recomputed with numpy and pandas."""
from gstk.verification.checks import Recomputed, check_selection, derived_sets, recompute
from gstk.verification.data import (
    ONE_BIT,
    ONE_CENT,
    ONE_MILLISECOND,
    REL_TOL,
    VerificationData,
    Violation,
    max_gap_s,
    open_contacts_at_start,
    tolerance,
    verification_data,
)
from gstk.verification.report import (
    VerificationReport,
    format_violations,
    selection_mask,
    verification_report,
    verify,
    verify_selection,
)

__all__ = [
    "REL_TOL", "ONE_CENT", "ONE_BIT", "ONE_MILLISECOND", "Violation", "tolerance", "VerificationData",
    "verification_data", "open_contacts_at_start", "max_gap_s", "Recomputed", "derived_sets", "recompute",
    "check_selection", "verify", "verification_report", "verify_selection", "selection_mask",
    "format_violations", "VerificationReport",
]
