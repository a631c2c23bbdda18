"""-9104 PS-altered: fields that contradict each other, or one field that does not belong to
the card it is printed on.

The ID number encodes the birth date, the sex and the region; an edited field breaks that
agreement, which the validator's checks already tell. Only clearly read fields count, so
that a misreading does not pass for an edit. A field edited on its own leaves image traces
instead (a painted patch, another font): :mod:`.tamper_print` measures those. The score is
the strongest of the two.
"""

from __future__ import annotations

from ..result import AlarmKind
from .evidence import CardEvidence, Finding
from .tamper_print import print_anomaly

MIN_CONFIDENCE = 0.9
# Each check that ties a printed field to the ID number, and the fields it involves.
CROSS_FIELD_CHECKS = {
    "birth_matches_id": ("birth", "id_num"),
    "sex_matches_id": ("sex", "id_num"),
}


def ps_altered(evidence: CardEvidence) -> Finding:
    contradicted = _contradictions(evidence)
    if contradicted:
        fields = tuple(dict.fromkeys(f for name in contradicted for f in CROSS_FIELD_CHECKS[name]))
        return Finding(AlarmKind.PS_ALTERED, 1.0, (), fields, ", ".join(contradicted) + " failed")
    return print_anomaly(evidence)


def _contradictions(evidence: CardEvidence) -> list[str]:
    confidence = evidence.field_confidences
    return [
        check.name
        for check in evidence.checks
        if check.name in CROSS_FIELD_CHECKS
        and not check.passed
        and all(confidence.get(f, 0.0) >= MIN_CONFIDENCE for f in CROSS_FIELD_CHECKS[check.name])
    ]
