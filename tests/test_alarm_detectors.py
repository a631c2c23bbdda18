"""The alarm detectors, one by one.

Image detectors run on real synthetic photos through the real recognizer: a clear case of
each alarm raises its code with the place it found, a clean photo raises nothing. The
measured precision and recall over a whole labelled set come from bench/alarms.py, not
from here. The text-only detectors run on a hand-built evidence.
"""

from __future__ import annotations

import random
from functools import cache

import cv2
import numpy as np
import pytest

from idcard_ocr import Recognizer
from idcard_ocr.alarms.border import incomplete_border
from idcard_ocr.alarms.copy import monochrome_copy, photocopy
from idcard_ocr.alarms.document import invalid_validity, temporary_card
from idcard_ocr.alarms.evidence import CardEvidence, fraction_box
from idcard_ocr.alarms.occlusion import occlusion
from idcard_ocr.errors import ImageBlur
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.layout import side_layout
from idcard_ocr.result import Alarm, AlarmKind, CardSide, Check, IdCardResult
from idcard_synth.alarms import AlarmSample, make_alarm_sample, make_alarm_sample_at
from opencv_threads import opencv_threads


@cache
def recognizer() -> Recognizer:
    return Recognizer()


def sample(kind: str, variant: str, seed: int, strength: float = 1.0) -> AlarmSample:
    return make_alarm_sample(random.Random(seed), kind, strength, variant)


def alarm(result: IdCardResult, kind: AlarmKind) -> Alarm:
    return next(a for a in result.alarms if a.kind is kind)


@pytest.mark.parametrize(
    ("kind", "variant", "seed", "code"),
    [
        ("border", "side", 1, -9101),
        ("border", "corner", 2, -9101),
        ("photocopy", "gray", 3, -9102),
        ("photocopy", "colour", 4, -9102),
        ("screen", "lcd", 5, -9103),
        ("screen", "oled", 6, -9103),
        ("occlusion", "over_text", 7, -9105),
        ("occlusion", "over_portrait", 8, -9105),
        ("glare", "on_card", 9, -9107),
        ("ps", "contradiction", 10, -9104),
    ],
)
def test_a_clear_case_raises_its_code(kind: str, variant: str, seed: int, code: int) -> None:
    photo = sample(kind, variant, seed)
    assert code in photo.labels
    result = recognizer()(photo.jpeg)
    assert code in result.warn_codes


@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_a_clean_photo_raises_nothing(seed: int) -> None:
    variant = ("upright", "perspective", "rotated", "large")[seed % 4]
    result = recognizer()(sample("clean", variant, seed, 0.0).jpeg)
    assert not result.warn_codes
    assert all(not a.raised for a in result.alarms)


def test_detectors_side_by_side_find_what_one_thread_finds() -> None:
    """In process the detectors run on two threads (`warn._findings`), in a server's
    worker, which OpenCV gives one thread, one after the other: the same alarms either way."""
    photo = sample("occlusion", "over_text", 7).jpeg
    side_by_side = recognizer()(photo).alarms
    with opencv_threads(1):
        one_thread = recognizer()(photo).alarms
    assert [(a.kind, a.score, a.raised, a.fields) for a in side_by_side] == [
        (a.kind, a.score, a.raised, a.fields) for a in one_thread
    ]
    assert any(a.raised for a in one_thread)


@pytest.mark.parametrize(
    ("kind", "variant", "seed"), [("glare", "on_card", 31), ("occlusion", "over_text", 32)]
)
def test_blobs_come_with_their_place(kind: str, variant: str, seed: int) -> None:
    """A highlight or an occluder is reported where it lies in the photo and over what."""
    photo = sample(kind, variant, seed)
    found = alarm(
        recognizer()(photo.jpeg), {"glare": AlarmKind.REFLECTIVE}.get(kind, AlarmKind.OCCLUSION)
    )
    assert found.raised and found.regions
    quad = np.asarray(photo.card.quad, np.float32)
    for region in found.regions:
        centre = np.mean(region, axis=0)
        assert quad.min(axis=0)[0] - 5 <= centre[0] <= quad.max(axis=0)[0] + 5
        assert quad.min(axis=0)[1] - 5 <= centre[1] <= quad.max(axis=0)[1] + 5
    assert found.fields  # it covers a field, the portrait or the emblem


def test_a_card_too_blurred_to_read_is_image_blur() -> None:
    with pytest.raises(ImageBlur):
        recognizer()(sample("blur", "defocus", 41).jpeg)


def test_a_blurred_card_still_read_is_blurry() -> None:
    result = recognizer()(sample("blur", "motion", 42, 0.3).jpeg)
    assert -9108 in result.warn_codes


def blank_evidence(
    side: CardSide = CardSide.BACK,
    *,
    lines: tuple[str, ...] = (),
    checks: tuple[Check, ...] = (),
    confidences: dict[str, float] | None = None,
) -> CardEvidence:
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 230, np.uint8)
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    return CardEvidence(
        photo=card,
        card=card,
        quad=quad.astype(np.float32),
        side=side,
        field_confidences=confidences or {},
        checks=checks,
        lines=lines,
    )


def test_a_temporary_card_is_told_by_its_title() -> None:
    assert temporary_card(blank_evidence(lines=("中华人民共和国", "临时居民身份证"))).score == 1.0
    assert temporary_card(blank_evidence(lines=("中华人民共和国", "居民身份证"))).score == 0.0


@pytest.mark.parametrize(("confidence", "expected"), [(0.98, 1.0), (0.6, 0.0)])
def test_an_invalid_validity_needs_a_clearly_read_date(confidence: float, expected: float) -> None:
    """A smudged or covered date misreads into an impossible one: that is no alarm."""
    evidence = blank_evidence(
        checks=(Check("validity_term", False, "12 years"),),
        confidences={"valid_date": confidence},
    )
    finding = invalid_validity(evidence)
    assert finding.score == expected
    assert finding.fields == (("valid_date",) if expected else ())


@pytest.mark.parametrize(
    ("side", "red", "expected"),
    [(CardSide.BACK, (80, 80, 210), 1.0), (CardSide.FRONT, (80, 80, 210), 0.0),
     (CardSide.BACK, (40, 40, 200), 0.0)],
)  # fmt: skip
def test_a_washed_emblem_on_untinted_ground_is_a_copy(
    side: CardSide, red: tuple[int, int, int], expected: float
) -> None:
    """The back's emblem is its strongest colour: a faint colour copy keeps more of it
    (chroma 58 here) than the front's print shows, but less than the card's own (74)."""
    evidence = blank_evidence(side)
    evidence.card[300:500, 600:800] = red
    assert photocopy(evidence).score == expected


@pytest.mark.parametrize(("tinted", "expected"), [(False, 1.0), (True, 0.0)])
def test_a_colourless_card_is_a_grey_copy_only_without_its_tint(
    tinted: bool, expected: float
) -> None:
    """A back whose emblem the frame cuts off shows no strong colour, but its ground's tint
    still drifts across it, pink to blue-green, as a copier's grey does not."""
    evidence = blank_evidence()
    if tinted:
        height, width = evidence.card.shape[:2]
        drift = np.linspace(-1, 1, width)[None, :, None] * np.array([7, 2, -7])  # B, G, R
        grain = np.random.default_rng(0).normal(0, 4, (height, width, 1))
        evidence.card[:] = np.clip(229 + drift + grain, 0, 255).astype(np.uint8)
    assert monochrome_copy(evidence).score == expected


def test_a_back_cut_past_its_emblem_is_no_copy() -> None:
    """Alarm seed 137 #21: a back the frame cuts by 28% on the emblem's side (strongest
    colour 12) raised -9102 as a black-and-white copy."""
    codes = recognizer()(make_alarm_sample_at(137, 21).jpeg).warn_codes
    assert -9102 not in codes
    assert -9101 in codes


def test_a_faint_colour_copy_of_the_back_is_a_copy() -> None:
    """Alarm seed 127, #222: a colour copy (strength 0.6) whose emblem kept chroma 57 scored 0
    against the front's print ramp."""
    assert -9102 in recognizer()(make_alarm_sample_at(127, 222).jpeg).warn_codes


@pytest.mark.parametrize(
    ("seed", "index", "raised"),
    [(97, 154, True), (113, 94, True), (89, 391, False), (61, 293, False)],
)
def test_the_screen_alarm_reads_the_grey_spectrum(seed: int, index: int, raised: bool) -> None:
    """Alarm seeds 97 #154 and 113 #94, faint screens at a 2 px pitch, scored 0 and 0.28
    with the chroma windows in the median; a cut card (89 #391) and a clean photo (61 #293)
    scored 0.78 and 0.32 with them."""
    photo = make_alarm_sample_at(seed, index)
    assert (-9103 in recognizer()(photo.jpeg).warn_codes) is raised
    assert (-9103 in photo.labels) is raised


@pytest.mark.parametrize(("seed", "index"), [(31, 147), (107, 207)])
def test_a_pen_across_the_card_s_ground_is_no_screen(seed: int, index: int) -> None:
    """Alarm seeds 31 #147 and 107 #207: a pen's two edges peak in the grey spectrum at
    periods over 8 px, which the screen score does not look at."""
    codes = recognizer()(make_alarm_sample_at(seed, index).jpeg).warn_codes
    assert -9103 not in codes
    assert -9105 in codes


def portrait_card(shift: tuple[int, int] = (0, 0), coin: bool = False) -> CardEvidence:
    """A plain light card whose portrait, a head and shoulders on the card's ground, is
    printed `shift` px off the layout's box (an outline a little off), with or without a
    grey coin beside the head, inside the box."""
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 225, np.uint8)
    x0, y0, x1, y1 = fraction_box(side_layout(CardSide.FRONT).portrait_box)
    x0, y0, x1, y1 = x0 + shift[0], y0 + shift[1], x1 + shift[0], y1 + shift[1]
    width, height = x1 - x0, y1 - y0
    centre = (x0 + width // 2, y0 + round(0.34 * height))
    axes = (round(0.31 * width), round(0.3 * height))
    cv2.ellipse(card, centre, axes, 0, 0, 360, (110, 150, 205), -1)  # skin
    card[y0 + round(0.6 * height) : y1, x0:x1] = (40, 100, 220)  # an orange suit
    if coin:
        cv2.circle(card, (x1 - 15, y0 + round(0.3 * height)), 60, (150, 150, 150), -1)
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    return CardEvidence(card, card, quad.astype(np.float32), CardSide.FRONT)


@pytest.mark.parametrize("shift", [(0, 0), (30, -20), (-25, 25)])
def test_a_portrait_is_no_object_where_it_is_printed(shift: tuple[int, int]) -> None:
    """The head and shoulders are found where the flattening put them, so their colour
    does not pass for an object when the outline is a little off."""
    assert occlusion(portrait_card(shift)).score == 0.0


@pytest.mark.parametrize("shift", [(0, 0), (20, 10)])
def test_an_object_inside_the_portrait_box_is_seen(shift: tuple[int, int]) -> None:
    """A coin over the plain ground beside the head, wholly inside the portrait's box."""
    found = occlusion(portrait_card(shift, coin=True))
    assert found.score >= 0.5
    assert "portrait" in found.fields


def pen_card(degrees: float) -> CardEvidence:
    """A plain light card with an address line, under a silver pen 100 px wide turned
    `degrees` from the card's rows: a cylinder shaded like the card at its middle, darker
    only at its rims."""
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 215, np.uint8)
    address = np.array([[180, 380], [620, 380], [620, 420], [180, 420]], np.float32)
    along = np.array([np.cos(np.radians(degrees)), np.sin(np.radians(degrees))])
    across = np.array([-along[1], along[0]])
    middle = np.array([400, 400])
    for offset in range(-50, 51):  # draw the cylinder line by line across its width
        level = 215 - 110 * (abs(offset) / 50) ** 4
        start, end = (middle + side * 600 * along + offset * across for side in (-1, 1))
        cv2.line(card, tuple(map(round, start)), tuple(map(round, end)), (level,) * 3, 2)
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    fields = {"address": address}
    return CardEvidence(card, card, quad.astype(np.float32), CardSide.FRONT, fields)


def test_a_light_pen_across_the_print_is_an_object() -> None:
    """Only its rims are darker than the card, each thinner than a character: its two long
    straight edges tell it."""
    found = occlusion(pen_card(25.0))
    assert found.score >= 0.5
    assert "address" in found.fields


def test_long_straight_edges_along_the_rows_are_no_pen() -> None:
    """A row of print or the card's own edge is as long and straight, along the card."""
    assert occlusion(pen_card(2.0)).score == 0.0


def test_a_silver_pen_in_a_photo_is_an_object() -> None:
    """Alarm seed 107, #257: a silver pen over the address scored 0 before its edges were
    looked for."""
    assert -9105 in recognizer()(make_alarm_sample_at(107, 257).jpeg).warn_codes


def test_two_rows_of_print_grazed_at_a_slant_are_no_pen() -> None:
    """Alarm seed 127, #175 (a PS edit, nothing on the card): two long lines through the
    address's rows at 5-6 degrees passed for a pen's edges; the print between them shows."""
    assert -9105 not in recognizer()(make_alarm_sample_at(127, 175).jpeg).warn_codes


def test_a_card_cut_past_its_side_words_is_read_and_incomplete() -> None:
    """A card the frame cuts by a fifth on two sides, which kept too few of its side words
    to read as one (it was ImageNoIdCard): read as a last resort, it raises -9101."""
    photo = sample("border", "corner", 3)
    assert -9101 in recognizer()(photo.jpeg).warn_codes


def test_a_cut_card_s_stretched_portrait_is_no_object() -> None:
    """The part of a card inside the frame, flattened as a whole card, is stretched: its
    portrait's colours spill beside its box, which is no object over it."""
    codes = recognizer()(sample("border", "side", 21).jpeg).warn_codes
    assert -9101 in codes
    assert -9105 not in codes


def labelled_front(labels_at: float, card_ends_at: int = 1200) -> CardEvidence:
    """A front whose outline runs along the frame's right edge, with its labels read where
    a card `labels_at` times the outline's size would print them (over 1: the outline is
    the part of the card inside the frame, flattened to a whole card); the card's pale
    ground ends at x = `card_ends_at` in the photo, on a grey background."""
    photo = np.full((800, 1200, 3), 120, np.uint8)
    photo[100:794, 100:card_ends_at] = 225
    quad = np.array([[100, 100], [1199, 100], [1199, 793], [100, 793]], np.float32)
    layout = side_layout(CardSide.FRONT)
    field_quads = {}
    for name in ("name", "sex", "birth", "id_num"):
        left, _, y = layout.anchors[layout.labels[name][0]]
        x, y = left * CARD_WIDTH * labels_at, y * CARD_HEIGHT * labels_at
        field_quads[name] = np.array(
            [[x, y - 10], [x + 200, y - 10], [x + 200, y + 10], [x, y + 10]], np.float32
        )
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 225, np.uint8)
    return CardEvidence(photo, card, quad, CardSide.FRONT, field_quads=field_quads)


def test_a_card_the_frame_cuts_is_incomplete() -> None:
    assert incomplete_border(labelled_front(1 / 0.85)).score == 1.0


def test_an_outline_over_the_background_is_no_cut() -> None:
    """An outline stretched past the card to the frame's edge (over a background, or the
    rest of a screen): the frame's edge within it is no card ground, whatever the labels."""
    assert incomplete_border(labelled_front(1 / 0.85, card_ends_at=900)).score == 0.0


def test_an_outline_past_the_card_is_no_cut() -> None:
    """An outline snapped to the frame's edge past the card (an object reaching past it):
    the labels place the card's edge well inside the frame."""
    assert incomplete_border(labelled_front(0.9)).score == 0.0
