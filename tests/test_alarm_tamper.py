"""-9104 PS-altered on real synthetic photos: the whole recognizer, a handful of samples."""

from __future__ import annotations

import numpy as np
import pytest

from idcard_ocr import Recognizer
from idcard_ocr.alarms.evidence import CardEvidence
from idcard_ocr.alarms.tamper import ps_altered
from idcard_ocr.alarms.tamper_print import _strongest_step
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import Alarm, AlarmKind, CardSide, Check
from idcard_synth.alarms import make_alarm_sample_at, schedule

SEED = 7
# The synthetic set's names of the editable fields, and the recognizer's.
FIELD_NAMES = {
    "Name": "name",
    "Address1": "address",
    "IdNum": "id_num",
    "Authority": "authority",
    "ValidDate": "valid_date",
}
# Indices of seed 7: a strong patch on the back, a faint one (strength 0.3) on the front,
# font swaps on the front (name, address).
EDITED = (25, 95, 45, 135)
CLEAN = (0, 16)  # a back and a front


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer()


def _ps_alarm(recognizer: Recognizer, seed: int, index: int) -> Alarm:
    result = recognizer(make_alarm_sample_at(seed, index).jpeg)
    alarms = [a for a in result.alarms if a.kind is AlarmKind.PS_ALTERED]
    assert alarms, "the -9104 detector ran on no card"
    return max(alarms, key=lambda a: a.score)


@pytest.mark.parametrize("index", EDITED)
def test_edited_field_is_found(recognizer: Recognizer, index: int) -> None:
    kind, _, variant = schedule(index)
    assert (kind, variant in ("patch", "font")) == ("ps", True)
    sample = make_alarm_sample_at(SEED, index)
    alarm = _ps_alarm(recognizer, SEED, index)
    assert alarm.raised and alarm.score >= 0.6, alarm.detail
    assert alarm.fields == (FIELD_NAMES[sample.fields[0]],)
    assert len(alarm.regions) == 1 and alarm.detail


def test_birth_one_digit_off_the_id_number(recognizer: Recognizer) -> None:
    """Seed 7 #65: the printed day 08 -> 04, which the validator forgives as a misread."""
    assert schedule(65)[2] == "contradiction"
    alarm = _ps_alarm(recognizer, SEED, 65)
    assert alarm.raised and alarm.fields == ("birth", "id_num"), alarm.detail


@pytest.mark.parametrize("index", CLEAN)
def test_clean_card_scores_low(recognizer: Recognizer, index: int) -> None:
    assert schedule(index)[0] == "clean"
    alarm = _ps_alarm(recognizer, SEED, index)
    assert not alarm.raised and alarm.score < 0.4, alarm.detail


def test_edge_step_found_at_its_offset() -> None:
    """Rows counted outward from the ink: a patch 7 px out, 5 levels lighter inside."""
    profile = np.full(32, 200.0, np.float32)
    profile[:7] = 205.0
    profile[3] = np.nan  # a row without ground (all print) is skipped, not read as 0
    assert _strongest_step(profile) == pytest.approx(5.0)
    assert _strongest_step(np.full(32, 200.0, np.float32)) == 0.0


@pytest.mark.parametrize(
    ("number_whole", "expected"), [(True, 1.0), (False, 0.0)], ids=["whole", "cut short"]
)
def test_contradictions_count_only_with_a_whole_id_number(
    number_whole: bool, expected: float
) -> None:
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 230, np.uint8)
    corners = [[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]]
    checks = (
        Check("id_number_format", number_whole),
        Check("id_number_check_digit", number_whole),
        Check("birth_matches_id", False),
    )
    evidence = CardEvidence(
        photo=card,
        card=card,
        quad=np.array(corners, np.float32),
        side=CardSide.FRONT,
        field_confidences={"birth": 0.99, "id_num": 0.99},
        checks=checks,
    )
    assert ps_altered(evidence).score == expected
