"""A card the frame cuts reads with fewer side words: one in place, or one anywhere when none
is in place, or a valid ID number."""

from __future__ import annotations

import numpy as np

from idcard_ocr.result import CardSide
from idcard_ocr.stages.cut import reads_as_side
from idcard_ocr.stages.parse import ParsedCard, detect_side
from idcard_ocr.stages.read import CardText, TextLine

VALID_ID = "11010519491231002X"  # GB 11643's own example: its check digit passes


def text(*lines: str) -> CardText:
    quad = np.array([[0, 0], [100, 0], [100, 20], [0, 20]], np.float32)
    return CardText(tuple(TextLine(line, 0.99, quad) for line in lines), 0.0)


def parsed(side_score: float) -> ParsedCard:
    return ParsedCard(CardSide.FRONT, {}, side_score, 0.0)


def test_a_whole_side_reads_cut_or_not() -> None:
    assert reads_as_side(parsed(2.0), text(), cut=False)
    assert reads_as_side(parsed(2.0), text(), cut=True)


def test_one_side_word_reads_only_when_cut() -> None:
    assert not reads_as_side(parsed(1.0), text(), cut=False)
    assert reads_as_side(parsed(1.0), text(), cut=True)


def test_one_side_word_out_of_place_reads_only_when_cut() -> None:
    assert reads_as_side(parsed(0.0), text("民族汉"), cut=True)
    assert not reads_as_side(parsed(0.0), text("民族汉"), cut=False)


def test_with_no_side_word_in_place_the_words_anywhere_pick_the_layout() -> None:
    # The lines sit at the card's top edge, where neither side prints these words.
    assert detect_side(text("签发机关 阳朔县公安局", "居民身")) == (CardSide.BACK, 0.0)


def test_a_valid_id_number_reads_when_cut() -> None:
    assert reads_as_side(parsed(0.0), text("公民身份号码 " + VALID_ID), cut=True)
    assert not reads_as_side(parsed(0.0), text(VALID_ID), cut=False)


def test_a_number_failing_its_check_digit_does_not_read() -> None:
    assert not reads_as_side(parsed(0.0), text(VALID_ID[:-1] + "3"), cut=True)
