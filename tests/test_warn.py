"""How warn turns detector findings into alarms: thresholds, and evidence explained away.

The detectors here are stand-ins returning fixed findings: this tests the combination
logic only (the detectors themselves: tests/test_alarm_detectors.py, bench/alarms.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from idcard_ocr.alarms.evidence import CardEvidence, Detector, Finding
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import AlarmKind, CardSide
from idcard_ocr.stages import warn as warn_stage


def evidence() -> CardEvidence:
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 230, np.uint8)
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    return CardEvidence(photo=card, card=card, quad=quad.astype(np.float32), side=CardSide.FRONT)


def scores_with(
    monkeypatch: pytest.MonkeyPatch,
    findings: list[Finding],
    thresholds: dict[AlarmKind, float] | None = None,
) -> dict[AlarmKind, tuple[float, bool]]:
    detectors: list[Detector] = [lambda _, f=f: f for f in findings]
    monkeypatch.setattr(warn_stage, "DETECTORS", tuple(detectors))
    alarms = warn_stage.warn(evidence(), thresholds).alarms
    return {a.kind: (a.score, a.raised) for a in alarms}


def test_a_score_raises_at_its_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    default = warn_stage.DEFAULT_THRESHOLDS[AlarmKind.BLURRY]
    at_default = [Finding(AlarmKind.BLURRY, default)]
    assert scores_with(monkeypatch, at_default)[AlarmKind.BLURRY] == (default, True)
    found = [Finding(AlarmKind.BLURRY, 0.55)]
    looser, tighter = {AlarmKind.BLURRY: 0.5}, {AlarmKind.BLURRY: 0.6}
    assert scores_with(monkeypatch, found, looser)[AlarmKind.BLURRY] == (0.55, True)
    assert scores_with(monkeypatch, found, tighter)[AlarmKind.BLURRY] == (0.55, False)


def test_ps_on_a_field_under_glare_is_explained_away(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [
        Finding(AlarmKind.REFLECTIVE, 0.3, fields=("id_num",)),
        Finding(AlarmKind.PS_ALTERED, 1.0, fields=("birth", "id_num")),
        Finding(AlarmKind.INVALID_VALIDITY, 1.0, fields=("valid_date",)),
    ]
    scores = scores_with(monkeypatch, found)
    assert scores[AlarmKind.PS_ALTERED] == (0.0, False)
    assert scores[AlarmKind.INVALID_VALIDITY] == (1.0, True)  # not what the glare covers


@pytest.mark.parametrize("cause", [AlarmKind.BLURRY, AlarmKind.SCREEN, AlarmKind.OCCLUSION])
def test_ps_is_judged_on_sound_photos_only(
    monkeypatch: pytest.MonkeyPatch, cause: AlarmKind
) -> None:
    found = [Finding(cause, 0.9), Finding(AlarmKind.PS_ALTERED, 0.8, fields=("name",))]
    assert scores_with(monkeypatch, found)[AlarmKind.PS_ALTERED] == (0.0, False)


def test_a_screen_raises_no_copy_alarm(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [Finding(AlarmKind.SCREEN, 1.0), Finding(AlarmKind.PHOTOCOPY, 0.9)]
    scores = scores_with(monkeypatch, found)
    assert scores[AlarmKind.SCREEN] == (1.0, True)
    assert scores[AlarmKind.PHOTOCOPY] == (0.0, False)


def test_a_blurred_photo_raises_no_screen_alarm(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [Finding(AlarmKind.BLURRY, 1.0), Finding(AlarmKind.SCREEN, 0.5)]
    scores = scores_with(monkeypatch, found)
    assert scores[AlarmKind.BLURRY] == (1.0, True)
    assert scores[AlarmKind.SCREEN] == (0.0, False)
    assert scores_with(monkeypatch, found[1:])[AlarmKind.SCREEN] == (0.5, True)


def test_a_card_on_a_screen_raises_no_border_alarm(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [Finding(AlarmKind.SCREEN, 1.0), Finding(AlarmKind.INCOMPLETE_BORDER, 1.0)]
    scores = scores_with(monkeypatch, found)
    assert scores[AlarmKind.SCREEN] == (1.0, True)
    assert scores[AlarmKind.INCOMPLETE_BORDER] == (0.0, False)
    alone = scores_with(monkeypatch, found[1:])
    assert alone[AlarmKind.INCOMPLETE_BORDER] == (1.0, True)


def test_ps_stands_on_an_otherwise_clean_photo(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [Finding(AlarmKind.BLURRY, 0.1), Finding(AlarmKind.PS_ALTERED, 0.8, fields=("name",))]
    assert scores_with(monkeypatch, found)[AlarmKind.PS_ALTERED] == (0.8, True)


def test_ps_is_explained_by_an_alarm_short_of_its_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limit = warn_stage.DEFAULT_THRESHOLDS[AlarmKind.INCOMPLETE_BORDER]
    found = [
        Finding(AlarmKind.INCOMPLETE_BORDER, 0.9 * limit),
        Finding(AlarmKind.PS_ALTERED, 1.0, fields=("birth", "id_num")),
    ]
    scores = scores_with(monkeypatch, found)
    assert scores[AlarmKind.INCOMPLETE_BORDER] == (0.9 * limit, False)
    assert scores[AlarmKind.PS_ALTERED] == (0.0, False)


@pytest.mark.parametrize(
    "cause",
    [
        AlarmKind.BLURRY,
        AlarmKind.SCREEN,
        AlarmKind.REFLECTIVE,
        AlarmKind.INCOMPLETE_BORDER,
        AlarmKind.PHOTOCOPY,
    ],
)
def test_occlusion_is_judged_without_other_alarms(
    monkeypatch: pytest.MonkeyPatch, cause: AlarmKind
) -> None:
    found = [Finding(cause, 1.0), Finding(AlarmKind.OCCLUSION, 1.0, fields=("name",))]
    assert scores_with(monkeypatch, found)[AlarmKind.OCCLUSION] == (0.0, False)
    quiet = [Finding(cause, 0.1), Finding(AlarmKind.OCCLUSION, 1.0, fields=("name",))]
    assert scores_with(monkeypatch, quiet)[AlarmKind.OCCLUSION] == (1.0, True)
