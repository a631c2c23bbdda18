"""Alarms from what the card says rather than how it looks: a temporary card, an invalid
validity date."""

from __future__ import annotations

from ..result import AlarmKind
from .evidence import CardEvidence, Finding

VALIDITY_CHECKS = ("validity_dates_real", "validity_term", "validity_term_fits_age")
TEMPORARY_MARK = "临时"
# An occluded or smudged date misreads into an impossible one; only a clear reading counts.
MIN_CONFIDENCE = 0.9


def invalid_validity(evidence: CardEvidence) -> Finding:
    if evidence.field_confidences.get("valid_date", 0.0) < MIN_CONFIDENCE:
        return Finding(AlarmKind.INVALID_VALIDITY, 0.0, detail="validity date not read clearly")
    failed = [c.name for c in evidence.checks if c.name in VALIDITY_CHECKS and not c.passed]
    fields = ("valid_date",) if failed else ()
    return Finding(AlarmKind.INVALID_VALIDITY, float(bool(failed)), (), fields, ", ".join(failed))


def temporary_card(evidence: CardEvidence) -> Finding:
    """临时居民身份证 prints its title; a regular card never carries the word."""
    marked = any(TEMPORARY_MARK in line for line in evidence.lines)
    return Finding(AlarmKind.TEMPORARY_CARD, float(marked))
