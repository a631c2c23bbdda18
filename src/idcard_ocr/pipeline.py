"""The recognizer: decode, locate, orient, read, parse, validate, crop, as one call."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from . import geometry
from .alarms.blur import blurred_photo, unreadably_blurry
from .alarms.evidence import CardEvidence
from .engine import OcrEngine, RapidOcrEngine
from .errors import CardSideMismatch, IdCardTooSmall, ImageBlur, MultiCard, NoIdCard
from .result import Alarm, AlarmKind, CardSide, Check, FieldReading, IdCardResult
from .stages.crop import encode_jpeg, portrait_box, portrait_region
from .stages.decode import decode_image
from .stages.locate import CardCandidate, locate_cards, looks_like_card, pale_card_shape
from .stages.locate_text import DETECT_SIDE, FINE_DETECT_SIDE, locate_by_text
from .stages.orient import OrientedCard, orient_card, reorient
from .stages.parse import ParsedCard, parse_card, union_quad
from .stages.read import CardText, carry_text, read_text
from .stages.rectify import rectify
from .stages.validate import ValidatedCard, validate_card, validity_fits_age
from .stages.warn import warn

MIN_CARD_WIDTH_PX = 250
MAX_CANDIDATES = 4
MAX_TEXT_SLANT = 3.0
GLANCE_SIDE = 640
GLANCE_MIN_LINES = 3
# Two cards in one photo are about the same size: a second one needs at least this share of
# the first one's extent free beside, above or below it (perspective can shrink it a little).
GLANCE_ROOM_SHARE = 0.6
# The largest printed part of a card (the portrait) covers about a sixth of it.
INNER_PART_SHARE = 0.3
TINY_SEARCH_SIDE = 2160
MIN_SIDE_SCORE = 2.0
# A pale, card-shaped, edgeless outline is a card blurred past reading only when it is big:
# smaller ones are as often pale things in a soft background (photo benchmark, seed 2028).
BLURRED_CARD_MIN_WIDTH_PX = 500


@dataclass(frozen=True)
class ReadCard:
    """One card fully through the pipeline."""

    oriented: OrientedCard
    read_ms: float
    parsed: ParsedCard
    validated: ValidatedCard
    lines: tuple[str, ...]
    """Every text line read, for printed words that no field holds (临时)."""


class Recognizer:
    """Reads identity cards from image bytes. Thread-safe: one instance serves a server."""

    def __init__(self, engine: OcrEngine | None = None) -> None:
        self._engine = engine
        self._engine_lock = threading.Lock()

    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = RapidOcrEngine()
        return self._engine

    def __call__(
        self,
        image: bytes,
        *,
        card_side: CardSide | None = None,
        crop_portrait: bool = False,
        crop_id_card: bool = False,
        thresholds: Mapping[AlarmKind, float] | None = None,
    ) -> IdCardResult:
        """Read the card(s) in `image`; `thresholds` overrides alarm thresholds by kind."""
        decoded = decode_image(image)
        located = locate_cards(decoded.pixels)
        cards = self._read_cards(decoded.pixels, located.candidates)
        chosen = _choose(cards, card_side)
        timings = {"decode": decoded.elapsed_ms, "locate": located.elapsed_ms}
        alarms = _alarms(decoded.pixels, chosen, thresholds, timings)
        result = _assemble(chosen, card_side, crop_portrait, crop_id_card, timings)
        return dataclasses.replace(result, alarms=alarms)

    def _read_cards(
        self, pixels: npt.NDArray[np.uint8], candidates: Sequence[CardCandidate]
    ) -> list[ReadCard]:
        """Outlines first; then cards found by their text that no outline explained; then
        the whole frame, for a tight crop."""
        outlines = [c for c in candidates if not c.whole_frame][:MAX_CANDIDATES]
        cards, too_small = self._read_each(pixels, outlines)
        if not cards or (len(cards) == 1 and self._text_outside(pixels, cards[0])):
            more, text_too_small = self._read_by_text(pixels, cards, DETECT_SIDE)
            cards, too_small = cards + more, too_small or text_too_small
        if not cards and max(pixels.shape[:2]) > DETECT_SIDE:
            # Small cards in a big photo: their print is too fine at the first scale.
            cards, text_too_small = self._read_by_text(pixels, cards, FINE_DETECT_SIDE)
            too_small = too_small or text_too_small
        if not cards:
            frames = [c for c in candidates if c.whole_frame]
            cards, frame_too_small = self._read_each(pixels, frames)
            too_small = too_small or frame_too_small
        if not cards and any(_blurred_card(pixels, c) for c in outlines):
            raise ImageBlur("the card is too blurred to read: hold the camera still and focus")
        if not cards and (too_small or _tiny_card_in(pixels)):
            raise IdCardTooSmall(
                f"the card is under {MIN_CARD_WIDTH_PX} px wide: photograph it closer"
            )
        if not cards and blurred_photo(pixels):
            raise ImageBlur("the photo is too blurred to find a card: hold still and focus")
        if not cards:
            raise NoIdCard("no identity card was found in the image")
        return cards

    def _text_outside(self, pixels: npt.NDArray[np.uint8], card: ReadCard) -> bool:
        """Whether a quick look finds lines of text away from the card already read: a second
        card that no outline showed."""
        if not _room_beside(card.oriented.quad, pixels.shape[:2]):
            return False
        scale = min(1.0, GLANCE_SIDE / max(pixels.shape[:2]))
        small = np.asarray(cv2.resize(pixels, None, fx=scale, fy=scale), dtype=np.uint8)
        card_quad = geometry.expand_quad(geometry.scale_quad(card.oriented.quad, scale), 0.05)
        outside = [
            box
            for box in self.engine.detect(small, GLANCE_SIDE)
            if cv2.pointPolygonTest(card_quad, tuple(map(float, box.quad.mean(axis=0))), False) < 0
        ]
        return len(outside) >= GLANCE_MIN_LINES

    def _read_one(self, pixels: npt.NDArray[np.uint8], candidate: CardCandidate) -> ReadCard | None:
        """The card in this outline, or None if it does not read as one card side."""
        oriented = orient_card(pixels, candidate, self.engine)
        if oriented.slant > MAX_TEXT_SLANT and not candidate.whole_frame:
            return None  # an outline that is not the card's: its text comes out sheared
        text = read_text(oriented, self.engine)
        parsed = parse_card(text)
        if parsed.side_score < MIN_SIDE_SCORE:
            return None
        first = ReadCard(oriented, text.elapsed_ms, parsed, validate_card(parsed), _lines(text))
        fixed = rectify(oriented.quad, text, parsed.side)
        if fixed.quad is None or fixed.correction is None:
            return first
        if _all_passed(first):
            # Every check passed, so the lines were legible already; only where they sit on
            # the card changes: they are moved rather than detected and recognised again.
            moved = reorient(pixels, oriented, fixed.quad, fixed.correction)
            carried = carry_text(text, fixed.correction)
            second = self._parsed(moved, carried, first.read_ms + carried.elapsed_ms)
        else:
            # A failed check often means a line was cut or skewed by the first flattening:
            # detect and read again on the corrected one.
            rectified = CardCandidate(fixed.quad, candidate.score, candidate.touches_border, False)
            again = orient_card(pixels, rectified, self.engine)
            reread = read_text(again, self.engine)
            second = self._parsed(again, reread, first.read_ms + reread.elapsed_ms)
        return second if second is not None and _passed(second) >= _passed(first) else first

    def _parsed(self, oriented: OrientedCard, text: CardText, read_ms: float) -> ReadCard | None:
        """The card read on a corrected flattening, or None if it no longer reads as one."""
        parsed = parse_card(text)
        if oriented.slant > MAX_TEXT_SLANT or parsed.side_score < MIN_SIDE_SCORE:
            return None
        return ReadCard(oriented, read_ms, parsed, validate_card(parsed), _lines(text))

    def _read_by_text(
        self, pixels: npt.NDArray[np.uint8], found: list[ReadCard], detect_side: int
    ) -> tuple[list[ReadCard], bool]:
        """Cards located by their text lines, other than those already read."""
        by_text = [
            c
            for c in locate_by_text(pixels, self.engine, detect_side)
            if all(geometry.overlap_of_smaller(c.quad, r.oriented.quad) < 0.5 for r in found)
        ]
        return self._read_each(pixels, by_text[:MAX_CANDIDATES])

    def _read_each(
        self, pixels: npt.NDArray[np.uint8], candidates: Sequence[CardCandidate]
    ) -> tuple[list[ReadCard], bool]:
        """The candidates that read as a card side, and whether any was too small to try."""
        cards: list[ReadCard] = []
        too_small = False
        for candidate in candidates:
            if any(_inside(candidate, card) for card in cards):
                continue
            if _width_px(candidate) < MIN_CARD_WIDTH_PX:
                too_small = too_small or looks_like_card(pixels, candidate.quad)
                continue
            card = self._read_one(pixels, candidate)
            if card is not None:
                cards.append(card)
        return cards, too_small


def _lines(text: CardText) -> tuple[str, ...]:
    return tuple(line.text for line in text.lines)


def _passed(card: ReadCard) -> int:
    return sum(check.passed for check in card.validated.checks)


def _all_passed(card: ReadCard) -> bool:
    return all(check.passed for check in card.validated.checks)


def _room_beside(quad: geometry.Quad, shape: tuple[int, ...]) -> bool:
    """Whether the frame leaves room for another card of this one's size next to it."""
    height, width = shape[:2]
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    free_x, free_y = max(x0, width - x1), max(y0, height - y1)
    return bool(free_x >= GLANCE_ROOM_SHARE * (x1 - x0) or free_y >= GLANCE_ROOM_SHARE * (y1 - y0))


def _inside(candidate: CardCandidate, card: ReadCard) -> bool:
    """Whether the outline is a small part of a card already read (its portrait, emblem or
    a block of print), which is no card itself and not worth a detection pass."""
    area = geometry.quad_area(candidate.quad)
    return area < INNER_PART_SHARE * geometry.quad_area(card.oriented.quad) and (
        geometry.overlap_of_smaller(candidate.quad, card.oriented.quad) > 0.8
    )


def _blurred_card(pixels: npt.NDArray[np.uint8], candidate: CardCandidate) -> bool:
    height, width = pixels.shape[:2]
    return (
        # A card the frame cuts has a hard, false edge and unreadable parts anyway.
        geometry.within_frame(candidate.quad, width, height)
        and _width_px(candidate) >= BLURRED_CARD_MIN_WIDTH_PX
        and pale_card_shape(pixels, candidate.quad)
        and unreadably_blurry(pixels, candidate.quad)
    )


def _tiny_card_in(pixels: npt.NDArray[np.uint8]) -> bool:
    """Look again, at a finer scale, for a card too small for the first pass to outline."""
    located = locate_cards(pixels, work_side=TINY_SEARCH_SIDE)
    return any(
        _width_px(c) < MIN_CARD_WIDTH_PX and looks_like_card(pixels, c.quad)
        for c in located.candidates
        if not c.whole_frame
    )


def _width_px(candidate: CardCandidate) -> float:
    return float(max(geometry.side_lengths(candidate.quad)))


def _choose(cards: list[ReadCard], card_side: CardSide | None) -> list[ReadCard]:
    """At most one card per side; the requested side must be among them."""
    by_side: dict[CardSide, list[ReadCard]] = {}
    for card in cards:
        by_side.setdefault(card.parsed.side, []).append(card)
    for side, same in by_side.items():
        if len(same) > 1:
            raise MultiCard(f"the image shows {len(same)} cards of the {side.value} side")
    if card_side is not None and card_side not in by_side:
        shown = next(iter(by_side)).value
        raise CardSideMismatch(f"CardSide is {card_side.value} but the card shows its {shown}")
    order = [CardSide.FRONT, CardSide.BACK]
    return [by_side[side][0] for side in order if side in by_side]


def _assemble(
    cards: list[ReadCard],
    card_side: CardSide | None,
    crop_portrait: bool,
    crop_id_card: bool,
    timings: dict[str, float],
) -> IdCardResult:
    texts: dict[str, str] = {}
    fields: dict[str, FieldReading] = {}
    for card in cards:
        texts.update(card.validated.texts)
        fields.update(_field_readings(card))
        _add_timings(timings, card)
    front = next((c for c in cards if c.parsed.side is CardSide.FRONT), None)
    shown = next((c for c in cards if c.parsed.side is card_side), front or cards[0])
    return IdCardResult(
        name=texts.get("name", ""),
        sex=texts.get("sex", ""),
        nation=texts.get("nation", ""),
        birth=texts.get("birth", ""),
        address=texts.get("address", ""),
        id_num=texts.get("id_num", ""),
        authority=texts.get("authority", ""),
        valid_date=texts.get("valid_date", ""),
        portrait_jpeg=encode_jpeg(portrait_region(front.oriented.image))
        if crop_portrait and front
        else b"",
        card_jpeg=encode_jpeg(shown.oriented.image) if crop_id_card else b"",
        sides=tuple(c.parsed.side for c in cards),
        fields=fields,
        checks=_checks(cards),
        card_polygons=tuple(geometry.as_polygon(c.oriented.quad) for c in cards),
        portrait_polygon=_portrait_polygon(front) if front else (),
        rotations=tuple(round(c.oriented.rotation) % 360 for c in cards),
        timings_ms=timings,
    )


def _alarms(
    pixels: npt.NDArray[np.uint8],
    cards: list[ReadCard],
    thresholds: Mapping[AlarmKind, float] | None,
    timings: dict[str, float],
) -> tuple[Alarm, ...]:
    alarms: list[Alarm] = []
    for card in cards:
        warned = warn(_evidence(pixels, card), thresholds)
        alarms.extend(warned.alarms)
        timings["warn"] = timings.get("warn", 0.0) + warned.elapsed_ms
    return tuple(alarms)


def _evidence(pixels: npt.NDArray[np.uint8], card: ReadCard) -> CardEvidence:
    quads = {
        name: quad
        for name, raw in card.parsed.fields.items()
        if (quad := union_quad(raw.quads)) is not None
    }
    return CardEvidence(
        photo=pixels,
        card=card.oriented.image,
        quad=card.oriented.quad,
        side=card.parsed.side,
        field_quads=quads,
        field_confidences=card.validated.confidences,
        checks=card.validated.checks,
        lines=card.lines,
    )


def _to_image(card: ReadCard) -> npt.NDArray[np.float64]:
    """The homography from the flattened card back to the original image."""
    return geometry.unwarp_matrix(card.oriented.quad, geometry.CARD_WIDTH, geometry.CARD_HEIGHT)


def _portrait_polygon(front: ReadCard) -> tuple[tuple[float, float], ...]:
    x0, y0, x1, y1 = portrait_box()
    corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    return geometry.as_polygon(geometry.map_points(corners, _to_image(front)))


def _checks(cards: list[ReadCard]) -> tuple[Check, ...]:
    checks = [check for card in cards for check in card.validated.checks]
    if len(cards) == 2:  # a front and a back, in that order
        checks.append(validity_fits_age(cards[0].validated, cards[1].validated))
    return tuple(checks)


def _field_readings(card: ReadCard) -> dict[str, FieldReading]:
    to_image = _to_image(card)
    readings = {}
    for name, text in card.validated.texts.items():
        raw = card.parsed.fields[name]
        box = union_quad(raw.quads)
        polygon = geometry.as_polygon(geometry.map_points(box, to_image)) if box is not None else ()
        readings[name] = FieldReading(text, raw.confidence, polygon)
    return readings


def _add_timings(timings: dict[str, float], card: ReadCard) -> None:
    for stage, ms in (
        ("orient", card.oriented.elapsed_ms),
        ("read", card.read_ms),
        ("parse", card.parsed.elapsed_ms),
        ("validate", card.validated.elapsed_ms),
    ):
        timings[stage] = timings.get(stage, 0.0) + ms
