"""The recognizer: decode, locate, orient, read, parse, validate, then assemble, as one call."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence

import cv2
import numpy as np
import numpy.typing as npt

from . import geometry
from .alarms.screen import shows_pixel_grid
from .assemble import ReadCard, alarms, assemble, choose
from .candidates import part_of, reaches_past_frame, similar_size, unread, worth_reading
from .engine import OcrEngine, RapidOcrEngine
from .errors import IdCardOcrError, IdCardTooSmall, ImageBlur, NoIdCard
from .explain import MIN_CARD_WIDTH_PX, explain_no_card, width_px
from .glance import text_beside
from .result import AlarmKind, CardSide, IdCardResult
from .stages.cut import cut_candidates, reads_as_side
from .stages.locate import CardCandidate, locate_cards
from .stages.locate_text import (
    COARSE_DETECT_SIDE,
    DETECT_SIDE,
    FINE_DETECT_SIDE,
    TextFinds,
)
from .stages.orient import OrientedCard, orient_card, reorient
from .stages.pale import looks_like_card
from .stages.parse import parse_card
from .stages.preview import decode_and_locate
from .stages.read import CardText, carry_text, read_text
from .stages.rectify import rectify
from .stages.timing import stopwatch
from .stages.validate import validate_card

MAX_TEXT_SLANT = 3.0
# Blur that smooths a display's sub-pixel grid (2-6 photo px) away but keeps print legible.
DESCREEN_SIGMA = 3.0


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
        """Read the card(s) in `image`; `thresholds` overrides alarm thresholds by kind.

        The result's timings are the chosen cards' stages and the whole call (`total`): what
        the stages leave of it went to the search for cards that did not read (outlines
        tried and turned down, text passes, the glance for a second card) and the crops."""
        with stopwatch() as elapsed:
            decoded, located = decode_and_locate(image)
            texts = TextFinds(decoded.pixels, self.engine)
            try:
                cards = self._read_cards(decoded.pixels, located.candidates, texts)
            except (NoIdCard, IdCardTooSmall) as failure:
                cards = self._read_retried(decoded.pixels, located.candidates, texts, failure)
            chosen = choose(cards, card_side)
            timings = {"decode": decoded.elapsed_ms, "locate": located.elapsed_ms}
            raised = alarms(decoded.pixels, chosen, thresholds, timings)
            result = assemble(chosen, card_side, crop_portrait, crop_id_card, timings)
        return dataclasses.replace(
            result, alarms=raised, timings_ms={**result.timings_ms, "total": elapsed[0]}
        )

    def _read_cards(
        self,
        pixels: npt.NDArray[np.uint8],
        candidates: Sequence[CardCandidate],
        texts: TextFinds,
    ) -> list[ReadCard]:
        """Outlines first; then cards found by their text that no outline explained; then
        the whole frame, for a tight crop."""
        outlines = worth_reading(candidates)
        frames = [c for c in candidates if c.whole_frame]
        cards, too_small = self._read_each(pixels, outlines)
        height, width = pixels.shape[:2]
        if not cards and geometry.card_shaped(width, height):
            # A frame shaped like a card is most often a tight crop: the frame itself first
            # (a scan's text passes cost up to a second before the frame was tried).
            cards, too_small = self._read_each(pixels, frames)
            frames = []
        cards, text_too_small = self._read_by_text(pixels, cards, texts)
        too_small = too_small or text_too_small
        if not cards:
            cards, frame_too_small = self._read_each(pixels, frames)
            too_small = too_small or frame_too_small
        if not cards:
            explain_no_card(pixels, outlines, texts.found(), too_small)
        return cards

    def _read_retried(
        self,
        pixels: npt.NDArray[np.uint8],
        candidates: Sequence[CardCandidate],
        texts: TextFinds,
        failure: IdCardOcrError,
    ) -> list[ReadCard]:
        """When no card read: the photo with a display's pixel grid blurred away, then the
        first outline, or card located by its text, that the frame cuts and that reads with
        the fewer side words a cut card keeps (`stages.cut`); else `failure`."""
        outlines = [c.quad for c in worth_reading(candidates)]
        try:
            return self._read_descreened(pixels, outlines, failure)
        except (NoIdCard, IdCardTooSmall):
            pass
        for candidate in cut_candidates(pixels, candidates, texts):
            cards, _ = self._read_each(pixels, [candidate], cut=True)
            if cards:
                return cards
        raise failure

    def _read_descreened(
        self,
        pixels: npt.NDArray[np.uint8],
        outlines: Sequence[geometry.Quad],
        failure: IdCardOcrError,
    ) -> list[ReadCard]:
        """A card on a screen photographed close: the display's pixel grid can drown its
        outline and print. When the grid shows in the photo's middle or in an outline found
        (a display's), read again with it blurred away (the alarms and crops still see the
        photo as taken), or raise `failure`."""
        if not shows_pixel_grid(pixels, outlines):
            raise failure
        smooth = np.asarray(cv2.GaussianBlur(pixels, (0, 0), DESCREEN_SIGMA), dtype=np.uint8)
        # Blurred so, the print shows at the coarser scales in blocks, if at all: no guide to
        # where the finest one should look (seed 109 #134 reads only from the whole frame).
        texts = TextFinds(smooth, self.engine, fine_near_print=False)
        try:
            found = locate_cards(smooth).candidates
            cards = self._read_cards(smooth, found, texts)
        except (NoIdCard, IdCardTooSmall, ImageBlur):
            raise failure from None  # the photo as taken says best why (blurred: of course)
        return [_flattened_from(pixels, card) for card in cards]

    def _read_by_text(
        self, pixels: npt.NDArray[np.uint8], cards: list[ReadCard], texts: TextFinds
    ) -> tuple[list[ReadCard], bool]:
        """`cards` and those located by their text lines, coarse scale first: while none was
        read, or one was and the glance sees text beside it."""
        too_small = False
        looking = not cards or (
            len(cards) == 1 and text_beside(pixels, cards[0].oriented.quad, self.engine)
        )
        past_frame: list[ReadCard] = []
        height, width = pixels.shape[:2]
        # A frame shaped like a card is likely a tight crop: at the coarse scale its text
        # places the card too loosely for want of a border to snap to.
        coarse = () if geometry.card_shaped(width, height) else (COARSE_DETECT_SIDE,)
        for side in (*coarse, DETECT_SIDE, FINE_DETECT_SIDE):
            # The finest scale is for small cards in a big photo, when nothing else read.
            fine = side == FINE_DETECT_SIDE
            if not looking or (fine and (cards or max(height, width) <= DETECT_SIDE)):
                break
            more, small = self._read_each(pixels, unread(texts(side), cards))
            if side == COARSE_DETECT_SIDE:
                # An outline past the frame is as often a loose guess as a cut card: the
                # finer scale decides, and the coarse reading stands if that reads nothing.
                past_frame = [c for c in more if reaches_past_frame(c, width, height)]
                more = [c for c in more if not reaches_past_frame(c, width, height)]
            cards, too_small = cards + more, too_small or small
            looking = not cards or (
                len(cards) == 1
                and (not more or text_beside(pixels, cards[0].oriented.quad, self.engine))
            )
        return cards or past_frame, too_small

    def _read_one(
        self, pixels: npt.NDArray[np.uint8], candidate: CardCandidate, cut: bool = False
    ) -> ReadCard | None:
        """The card in this outline, or None if it does not read as one card side (`cut`:
        the frame cuts it, and fewer side words will do)."""
        oriented = orient_card(pixels, candidate, self.engine)
        if (
            oriented.slant > MAX_TEXT_SLANT or oriented.print_upright
        ) and not candidate.whole_frame:
            return None  # an outline that is not the card's: its text comes out sheared
        text = read_text(oriented, self.engine)
        parsed = parse_card(text)
        if not reads_as_side(parsed, text, cut):
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
            second = self._parsed(moved, carried, first.read_ms + carried.elapsed_ms, cut)
        else:
            # A failed check often means a line was cut or skewed by the first flattening:
            # detect and read again on the corrected one.
            rectified = CardCandidate(fixed.quad, candidate.score, candidate.touches_border, False)
            again = orient_card(pixels, rectified, self.engine)
            reread = read_text(again, self.engine)
            second = self._parsed(again, reread, first.read_ms + reread.elapsed_ms, cut)
        return second if second is not None and _passed(second) >= _passed(first) else first

    def _parsed(
        self, oriented: OrientedCard, text: CardText, read_ms: float, cut: bool = False
    ) -> ReadCard | None:
        """The card read on a corrected flattening, or None if it no longer reads as one."""
        parsed = parse_card(text)
        if oriented.slant > MAX_TEXT_SLANT or not reads_as_side(parsed, text, cut):
            return None
        return ReadCard(oriented, read_ms, parsed, validate_card(parsed), _lines(text))

    def _read_each(
        self,
        pixels: npt.NDArray[np.uint8],
        candidates: Sequence[CardCandidate],
        cut: bool = False,
    ) -> tuple[list[ReadCard], bool]:
        """The candidates that read as a card side, and whether any was too small to try."""
        cards: list[ReadCard] = []
        too_small = False
        for candidate in candidates:
            if any(part_of(candidate, card) for card in cards):
                continue
            if cards and not similar_size(candidate, cards[0]):
                continue
            if width_px(candidate) < MIN_CARD_WIDTH_PX:
                too_small = too_small or looks_like_card(pixels, candidate.quad)
                continue
            card = self._read_one(pixels, candidate, cut)
            if card is not None:
                cards.append(card)
        return cards, too_small


def _lines(text: CardText) -> tuple[str, ...]:
    return tuple(line.text for line in text.lines)


def _passed(card: ReadCard) -> int:
    return sum(check.passed for check in card.validated.checks)


def _all_passed(card: ReadCard) -> bool:
    return all(check.passed for check in card.validated.checks)


def _flattened_from(pixels: npt.NDArray[np.uint8], card: ReadCard) -> ReadCard:
    """The card as read, its flattened image taken again from `pixels`."""
    image = geometry.warp_quad(
        pixels, card.oriented.quad, geometry.CARD_WIDTH, geometry.CARD_HEIGHT
    )
    return dataclasses.replace(card, oriented=dataclasses.replace(card.oriented, image=image))
