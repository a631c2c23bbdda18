"""Parse: turn the text lines of an upright card into raw field texts.

Lines are assigned to the card's printed rows by their position; the printed labels, where
the OCR found them, calibrate those rows (a slightly off warp shifts everything alike) and
are then cut off the values, including when the detector glued label and value together.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..geometry import Quad
from ..layout import SideLayout, side_layout
from ..result import CardSide
from .read import CardText, TextLine
from .timing import stopwatch

FRONT_FIELDS = ("name", "sex", "nation", "birth", "address", "id_num")
BACK_FIELDS = ("authority", "valid_date")
# A flattened card's label rows span the layout's within these factors; a region holding much
# more (or less) than the card squeezes (or spreads) them.
MIN_ROW_SCALE, MAX_ROW_SCALE = 0.7, 1.45
_SEPARATORS = re.compile(r"[\s:：,，]")
_Cleaner = Callable[[str], str]


@dataclass(frozen=True)
class RawField:
    text: str
    confidence: float
    quads: tuple[Quad, ...]
    """Where the field's text sits on the flattened card."""


@dataclass(frozen=True)
class ParsedCard:
    side: CardSide
    fields: dict[str, RawField]
    side_score: float
    """How many of the side's printed words were found; 0 means no card text at all."""
    elapsed_ms: float


def detect_side(text: CardText) -> tuple[CardSide, float]:
    """FRONT or BACK, whichever side's printed words the card shows more of, each where the
    layout prints it (a warp of the wrong region reads words, but not in their places).

    The score is 0 when both sides' words show: the region holds more than one card.
    """
    scores = {side: _side_words_in_place(text.lines, side_layout(side)) for side in CardSide}
    if not any(scores.values()):
        # No word in its place (a card the frame cuts, flattened from a guess): the words
        # found anywhere still tell which layout to parse with, at score 0.
        return max(CardSide, key=lambda s: side_words_anywhere(text, s)), 0.0
    side = max(scores, key=lambda s: scores[s])
    other = next(s for s in CardSide if s is not side)
    if side_words_anywhere(text, other) >= 2:
        return side, 0.0
    return side, scores[side]


def parse_card(text: CardText) -> ParsedCard:
    with stopwatch() as elapsed:
        side, score = detect_side(text)
        layout = side_layout(side)
        slope, offset = _row_calibration(text.lines, layout)
        if not MIN_ROW_SCALE < slope < MAX_ROW_SCALE:
            score = 0.0  # the labels are squeezed or spread: this region is not one card
        rows = _assign_rows(text.lines, layout, lambda y: slope * y + offset)
        parse = _parse_front if side is CardSide.FRONT else _parse_back
        fields = parse(rows, layout.label_column_end)
    return ParsedCard(side, fields, score, elapsed[0])


def side_words_anywhere(text: CardText, side: CardSide) -> int:
    """How many of the side's printed words the text holds, wherever they are."""
    joined = "".join(_SEPARATORS.sub("", line.text) for line in text.lines)
    return sum(1 for word in side_layout(side).side_words if _fuzzy_find(joined, word) >= 0)


def _side_words_in_place(lines: Iterable[TextLine], layout: SideLayout) -> float:
    found = {
        word
        for line in lines
        for word, expected_y in layout.side_words.items()
        if _fuzzy_find(_SEPARATORS.sub("", line.text), word) >= 0
        and abs(line.y_center - expected_y) < layout.side_word_tolerance
    }
    return float(len(found))


def _assign_rows(
    lines: Iterable[TextLine], layout: SideLayout, to_layout: Callable[[float], float]
) -> dict[str, list[TextLine]]:
    rows: dict[str, list[TextLine]] = {row.name: [] for row in layout.rows}
    for line in lines:
        y = to_layout(line.y_center)
        if line.x1 < layout.value_x0 or line.x0 > layout.portrait_x0:
            continue
        for row in layout.rows:
            if row.top <= y < row.bottom:
                rows[row.name].append(line)
                break
    return {name: reading_order(members) for name, members in rows.items()}


def _row_calibration(lines: Iterable[TextLine], layout: SideLayout) -> tuple[float, float]:
    """(slope, offset) mapping a found height to the layout's, from where the printed labels
    were found: two or more labels fix both (a loose crop squeezes the layout); one, the
    offset only; none, neither."""
    pairs = []
    for line in lines:
        for label, expected_y in layout.labels.values():
            if _starts_with_label(line.text, label):
                pairs.append((line.y_center, expected_y))
                break
    if len({round(found, 3) for found, _ in pairs}) >= 2:
        slope, offset = np.polyfit([f for f, _ in pairs], [e for _, e in pairs], 1)
        return float(slope), float(offset)
    shift = statistics.median(f - e for f, e in pairs) if pairs else 0.0
    return 1.0, -shift


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Top to bottom by visual line (boxes whose centres are within half a line), then left
    to right."""
    ordered: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: ln.y_center):
        if ordered and abs(line.y_center - ordered[-1][0].y_center) < 0.5 * line.height:
            ordered[-1].append(line)
        else:
            ordered.append([line])
    return [line for group in ordered for line in sorted(group, key=lambda ln: ln.x0)]


def _parse_front(rows: dict[str, list[TextLine]], column_end: float) -> dict[str, RawField]:
    fields = {
        "name": _field(rows["name"], "姓名", _name_chars, column_end),
        "birth": _field(rows["birth"], "出生", _as_is, column_end),
        "address": _address_field(rows["address"], column_end),
        "id_num": _field(rows["id_num"], "公民身份号码", _id_chars, column_end),
    }
    fields.update(_sex_and_nation(rows["sex_nation"], column_end))
    return fields


def _parse_back(rows: dict[str, list[TextLine]], column_end: float) -> dict[str, RawField]:
    return {
        "authority": _field(rows["authority"], "签发机关", _chinese_only, column_end),
        "valid_date": _field(rows["valid_date"], "有效期限", _as_is, column_end),
    }


def _as_is(text: str) -> str:
    return text


def _field(lines: list[TextLine], label: str, clean: _Cleaner, column_end: float) -> RawField:
    text = _strip_label(_join(lines), label, _in_label_column(lines, column_end))
    return RawField(clean(text), _confidence(lines), tuple(ln.quad for ln in lines))


def _address_field(lines: list[TextLine], column_end: float) -> RawField:
    text = _strip_label(_join(lines), "住址", _in_label_column(lines, column_end))
    return RawField(
        restore_ling(_SEPARATORS.sub("", text)), _confidence(lines), tuple(ln.quad for ln in lines)
    )


def _sex_and_nation(lines: list[TextLine], column_end: float) -> dict[str, RawField]:
    text = _strip_label(_join(lines), "性别", _in_label_column(lines, column_end))
    cut = _fuzzy_find(text, "民族")
    sex_part, nation_part = (text[:cut], text[cut + 2 :]) if cut >= 0 else _split_at_sex(text)
    sex_match = re.search("[男女]", sex_part)
    confidence = _confidence(lines)
    quads = tuple(ln.quad for ln in lines)
    return {
        "sex": RawField(sex_match.group(0) if sex_match else "", confidence, quads),
        "nation": RawField(_chinese_only(nation_part), confidence, quads),
    }


def _split_at_sex(text: str) -> tuple[str, str]:
    match = re.search("[男女]", text)
    if not match:
        return "", text
    return text[: match.end()], text[match.end() :].lstrip("民族")


def _in_label_column(lines: list[TextLine], column_end: float) -> bool:
    """Whether the first line starts where the printed labels are, not where values are."""
    return bool(lines) and lines[0].x0 < column_end


def _join(lines: list[TextLine]) -> str:
    """The lines' texts in order; where two boxes overlap, the characters both read once."""
    joined = ""
    for previous, line in zip([None, *lines], lines, strict=False):
        text = _SEPARATORS.sub("", line.text)
        if previous is not None and line.x0 < previous.x1 and _same_row(previous, line):
            text = text[_repeated_prefix(joined, text) :]
        joined += text
    return joined


def _same_row(a: TextLine, b: TextLine) -> bool:
    return abs(a.y_center - b.y_center) < 0.5 * max(a.height, b.height)


def _repeated_prefix(before: str, text: str) -> int:
    """How many leading characters of `text` the end of `before` already holds."""
    for size in range(min(3, len(text), len(before)), 0, -1):
        if before.endswith(text[:size]):
            return size
    return 0


def _confidence(lines: list[TextLine]) -> float:
    return min((line.confidence for line in lines), default=0.0)


def _starts_with_label(text: str, label: str) -> bool:
    return _fuzzy_find(_SEPARATORS.sub("", text)[: len(label) + 1], label) == 0


def _strip_label(text: str, label: str, in_label_column: bool = False) -> str:
    """Cut a printed label off the start of a value.

    Anywhere, the whole label (one misread character allowed in long labels). When the line
    starts in the label column, the label is surely there, possibly misread or with its
    first characters in a box of their own: then also its tail, one character misread.
    """
    head = text[: len(label)]
    if len(head) == len(label) and _mismatches(head, label) <= max(0, (len(label) - 1) // 2):
        return text[len(label) :]
    if not in_label_column:
        return text
    for size in range(len(label), 0, -1):
        tail = label[-size:]
        allowed = 1 if size >= 2 else 0
        if len(text) > size and _mismatches(text[:size], tail) <= allowed:
            return text[size:]
    return text


def _fuzzy_find(text: str, word: str) -> int:
    """Index of `word` in `text`, allowing one wrong character in words of 4 or more."""
    exact = text.find(word)
    if exact >= 0 or len(word) < 4:
        return exact
    for start in range(len(text) - len(word) + 1):
        if _mismatches(text[start : start + len(word)], word) <= 1:
            return start
    return -1


def _mismatches(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def _chinese_only(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff" or ch == "〇")


_NAME_DOTS = re.compile(r"[.．•・·‧∙⋅°。\-－—]")


def _name_chars(text: str) -> str:
    """A name keeps its Chinese characters and the middle dot of minority names."""
    unified = _NAME_DOTS.sub("·", text)
    kept = "".join(ch for ch in unified if "\u4e00" <= ch <= "\u9fff" or ch == "·")
    return re.sub("·+", "·", kept).strip("·")


def _id_chars(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


_CHINESE_NUMERALS = "一二三四五六七八九十〇零百"
# What OCR reads for the numerals 〇, 一 and 十 when they stand among other Chinese numerals.
_NUMERAL_LOOKALIKES = {
    **dict.fromkeys("Oo0○◯ОоΟο", "〇"),
    **dict.fromkeys("—－‐-_ー", "一"),
    **dict.fromkeys("+＋", "十"),
}


def restore_ling(text: str) -> str:
    """Addresses print numerals like 一〇三 and 三十, which OCR reads as 一O三, 一-三 or 三+:
    restore the numerals where a look-alike stands next to one."""
    chars = list(text)
    changed = True
    while changed:
        changed = False
        for i, ch in enumerate(chars):
            if ch not in _NUMERAL_LOOKALIKES:
                continue
            neighbours = chars[max(i - 1, 0) : i] + chars[i + 1 : i + 2]
            if any(n in _CHINESE_NUMERALS for n in neighbours):
                chars[i] = _NUMERAL_LOOKALIKES[ch]
                changed = True
    return "".join(chars)


def union_quad(quads: tuple[Quad, ...]) -> Quad | None:
    """The bounding rectangle of several quads, as a quad."""
    if not quads:
        return None
    points = np.concatenate(quads)
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
