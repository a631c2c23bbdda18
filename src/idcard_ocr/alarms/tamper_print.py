"""Image evidence of one re-printed field: a plain patch painted over it, or a new font.

Each value line is measured on the flattened card and compared with the other lines of
the same card (photos vary in scale, blur and exposure; one card does not within itself):

* a patch is a near-matching plain fill around the field, so the ground just around its
  text steps in level against the card ground a little further out, and does so at
  straight edges parallel to the line, above and below it (the faint patches show only
  there: row means over the whole line average the guilloche and noise away);
* a re-typed field (another font, size or stroke weight) has thicker strokes than the
  layout gives it relative to the card's other lines; forgers' retyping only ever thickens
  (a stroke is added to match the print's weight).

Guilloche loss under a patch (texture energy inside vs outside) was tried and dropped: the
halo of the text itself dominates the high-pass energy next to it, in grey and in chroma.
Heights relative to the other lines were dropped too: the validity line's height depends on
whether it ends in digits or in 长期, and the stroke ratio already catches every resize.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ..geometry import CARD_WIDTH
from ..result import AlarmKind
from .evidence import Box, CardEvidence, Finding, box_quad, ramp

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float32]
Gray = npt.NDArray[np.uint8]

# Where each field's value starts (after its printed label), as a fraction of the card
# width, read off flattened synthetic cards with ~10 px to spare on both sides.
VALUE_X0 = {
    "name": 0.175,
    "sex": 0.175,
    "birth": 0.175,
    "address": 0.175,
    "id_num": 0.33,
    "authority": 0.39,
    "valid_date": 0.39,
}
# A pixel this much darker than the local paper is print (black or blue), not guilloche,
# whose faint lines stay within ~20 grey levels of the ground.
INK_STEP = 40
PAPER_WINDOW = 9  # px: wider than any stroke, so a dilation finds the paper around it
MIN_TEXT_PX = 14  # the smallest print (60 template px) is ~30 px tall once flattened
ROW_INK_SHARE = 0.04  # a text row has at least this share of ink pixels
# The ring around a line starts past the widest patch pad (20 template px, ~11 flattened
# px) and is as thick again, so it samples the card's own ground.
INNER_MARGIN = 3
RING_GAP = 14
RING_WIDTH = 14
# Each field's stroke width over the median of the card's other lines, and its ground
# step (inside minus ring, grey levels), as medians over 240 clean synthetic cards (seed 7).
STROKE_RATIO = {
    "name": 1.10,
    "sex": 0.87,
    "birth": 0.935,
    "address": 0.96,
    "id_num": 1.14,
    "authority": 0.99,
    "valid_date": 1.01,
}
LEVEL_OFFSET = {"authority": -0.5, "valid_date": 3.0}
# Score ramps (0 at the first value, 1 at the second), from the same cards: clean lines
# reach a normalised stroke ratio of 1.14 and a ground step of 6 grey levels (seed 7; up to
# 9 on the full set, seed 31), so the step ramp starts there; font
# edits start at 1.2 (mostly >= 1.35) and patches at 7 levels (strength 0.3: 5-8 painted).
STROKE_RAMP = (1.02, 1.38)
STEP_RAMP = (6.0, 14.0)
# Blur merges the close strokes of dense glyphs, so on a soft photo (wider strokes all
# over) a dense line measures wider than a sparse one: the ramp moves up by this much per
# px of the card's typical stroke width over a sharp photo's. Two soft clean cards of seed
# 19 reached 1.26 at strokes of 4.2-4.7 px; font edits on soft cards stay >= 1.49.
SHARP_STROKE = 3.0
STROKE_BLUR_SLOPE = 0.08
# A patch's top and bottom are straight edges parallel to the line: the ground's row means
# step there, the same way at both. Searched this far (rows) from the line's box, which
# already holds 2 px of blur around the ink: the pad of 8-20 template px is 4-11 flattened
# px from the ink. EDGE_ROWS rows each side are compared; rows with fewer ground pixels
# than MIN_ROW_GROUND are skipped. Clean lines step <= 3.3 grey levels at both edges,
# strength-0.3 patches mostly >= 4 (seed 7, and the misses of a first seed-19 run).
EDGE_OFFSETS = range(2, 17)
EDGE_ROWS = 3
PROFILE_DEPTH = 32
MIN_ROW_GROUND = 10
EDGE_RAMP = (2.5, 5.5)
# Fields a forger edits; the others only serve as references for the stroke ratio.
EDITABLE = ("name", "address", "id_num", "authority", "valid_date")


@dataclass(frozen=True)
class Line:
    """One value line: where its ink is, its stroke width, its ground and edge steps."""

    field: str
    box: Box
    stroke: float
    step: float
    edge: float = 0.0


@dataclass(frozen=True)
class Suspect:
    score: float
    field: str
    box: Box
    detail: str


def print_anomaly(evidence: CardEvidence) -> Finding:
    """The most suspicious value line of the card, as a -9104 finding."""
    lines = measure_lines(evidence)
    editable = [line for line in lines if line.field in EDITABLE]
    suspects = [s for line in editable for s in _suspects(line, lines)]
    if not suspects:
        return Finding(AlarmKind.PS_ALTERED, 0.0)
    top = max(suspects, key=lambda s: s.score)
    pad = RING_GAP - INNER_MARGIN
    x0, y0, x1, y1 = top.box
    region = box_quad((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return Finding(AlarmKind.PS_ALTERED, top.score, (region,), (top.field,), top.detail)


def _suspects(line: Line, lines: list[Line]) -> list[Suspect]:
    step = abs(line.step - LEVEL_OFFSET.get(line.field, 0.0))
    detail = f"{line.field}: its ground is {step:.0f} grey levels off the card's around it"
    found = [Suspect(ramp(step, *STEP_RAMP), line.field, line.box, detail)]
    detail = f"{line.field}: straight edges above and below, {line.edge:+.1f} grey levels"
    found.append(Suspect(ramp(abs(line.edge), *EDGE_RAMP), line.field, line.box, detail))
    others = [o.stroke for o in lines if o is not line]
    if others:
        ratio = line.stroke / float(np.median(others)) / STROKE_RATIO[line.field]
        typical = float(np.median([o.stroke / STROKE_RATIO[o.field] for o in lines]))
        shift = STROKE_BLUR_SLOPE * max(0.0, typical - SHARP_STROKE)
        score = ramp(ratio, STROKE_RAMP[0] + shift, STROKE_RAMP[1] + shift)
        detail = f"{line.field}: strokes {ratio:.2f}x the card's other print"
        found.append(Suspect(score, line.field, line.box, detail))
    return found


def measure_lines(evidence: CardEvidence) -> list[Line]:
    boxes = {k: b for k, b in evidence.field_boxes().items() if k in VALUE_X0}
    if not boxes:
        return []
    # Only the band holding the values (plus their rings) is looked at: half the card.
    reach = RING_GAP + RING_WIDTH + PAPER_WINDOW
    height, width = evidence.gray.shape
    x0 = max(0, min(round(VALUE_X0[k] * CARD_WIDTH) for k in boxes) - reach)
    y0 = max(0, min(b[1] for b in boxes.values()) - reach)
    x1 = min(width, max(b[2] for b in boxes.values()) + reach)
    y1 = min(height, max(b[3] for b in boxes.values()) + reach)
    gray, ink, near_ink = _print_maps(evidence.gray[y0:y1, x0:x1])
    lines = []
    for name, (bx0, by0, bx1, by1) in boxes.items():
        ink_box = _ink_box(name, (bx0 - x0, by0 - y0, bx1 - x0, by1 - y0), x0, near_ink)
        line = None if ink_box is None else _line(name, ink_box, gray, ink, near_ink)
        if line is not None:
            lx0, ly0, lx1, ly1 = line.box
            box = (lx0 + x0, ly0 + y0, lx1 + x0, ly1 + y0)
            edge = _edge(gray, near_ink, line.box)
            lines.append(Line(name, box, line.stroke, line.step, edge))
    return lines


def _print_maps(band: Gray) -> tuple[Gray, Mask, Mask]:
    """The band, its print, and its print grown by the blur around it."""
    paper = cv2.blur(cv2.dilate(band, np.ones((PAPER_WINDOW, PAPER_WINDOW), np.uint8)), (15, 15))
    # In 8 bits, without widening: the subtraction saturates at 0 where band is above paper.
    ink = np.asarray(cv2.subtract(paper, band) > INK_STEP)
    # Antialiasing and blur spread print a couple of px: count those as print, not ground.
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return band, ink, near_ink


def _ink_box(name: str, box: Box, shift: int, ink: Mask) -> Box | None:
    """The value's ink within the field box: its first text row (an address has up to 3).

    ``box`` and the answer are in ``ink``'s coordinates, ``shift`` px right of the card's.
    """
    x0 = max(0, box[0], round(VALUE_X0[name] * CARD_WIDTH) - shift)
    y0, x1, y1 = max(0, box[1] - 4), box[2] + 4, box[3] + 4
    window = ink[y0:y1, x0:x1]
    if window.size == 0:
        return None
    rows = np.flatnonzero(window.mean(axis=1) > ROW_INK_SHARE)
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 3) + 1)
    runs = [r for r in runs if r.size >= MIN_TEXT_PX]
    if not runs:
        return None
    top, bottom = int(runs[0][0]), int(runs[0][-1])
    cols = np.flatnonzero(window[top : bottom + 1].any(axis=0))
    return (x0 + int(cols[0]), y0 + top, x0 + int(cols[-1]) + 1, y0 + bottom + 1)


def _line(name: str, box: Box, gray: Gray, ink: Mask, near_ink: Mask) -> Line | None:
    """Stroke width of the line's ink and the step of its ground against a ring around it."""
    height, width = gray.shape
    out = RING_GAP + RING_WIDTH
    wx0, wy0 = max(0, box[0] - out), max(0, box[1] - out)
    wx1, wy1 = min(width, box[2] + out), min(height, box[3] + out)
    ground = ~near_ink[wy0:wy1, wx0:wx1]
    local = (box[0] - wx0, box[1] - wy0, box[2] - wx0, box[3] - wy0)
    inside = _rect_mask(ground.shape, local, INNER_MARGIN)
    ring = _rect_mask(ground.shape, local, out) & ~_rect_mask(ground.shape, local, RING_GAP)
    window = gray[wy0:wy1, wx0:wx1]
    if (inside & ground).sum() < 50 or (ring & ground).sum() < 50:
        return None
    step = _median(window[inside & ground]) - _median(window[ring & ground])
    return Line(name, box, _stroke(ink[box[1] : box[3], box[0] : box[2]]), step)


def _median(levels: Gray) -> float:
    """The median grey level, by histogram: several times faster than a partition."""
    counts = np.cumsum(np.bincount(levels, minlength=256))
    return float(np.searchsorted(counts, counts[-1] / 2))


def _edge(gray: Gray, near_ink: Mask, box: Box) -> float:
    """The level step at straight edges above and below the line, 0 unless both agree."""
    x0, y0, x1, y1 = box
    above = _row_profile(gray, near_ink, max(0, y0 - PROFILE_DEPTH), y0, (x0, x1))[::-1]
    below = _row_profile(gray, near_ink, y1, y1 + PROFILE_DEPTH, (x0, x1))
    top, bottom = _strongest_step(above), _strongest_step(below)
    return float(np.sign(top)) * min(abs(top), abs(bottom)) if top * bottom > 0 else 0.0


def _row_profile(gray: Gray, near_ink: Mask, y0: int, y1: int, span: tuple[int, int]) -> Floats:
    """Mean ground level of each row, NaN where a row holds too little ground."""
    ground = ~near_ink[y0:y1, span[0] : span[1]]
    counts = ground.sum(axis=1)
    sums = np.where(ground, gray[y0:y1, span[0] : span[1]], 0.0).sum(axis=1)
    profile = np.where(counts >= MIN_ROW_GROUND, sums / np.maximum(counts, 1), np.nan)
    return profile.astype(np.float32)


def _strongest_step(profile: Floats) -> float:
    """Inside minus outside at the offset (from the ink) where that differs most.

    Window means come from running sums, skipping NaN rows: one pass, not one per offset.
    """
    valid = ~np.isnan(profile)
    sums = np.concatenate(([0.0], np.cumsum(np.where(valid, profile, 0.0))))
    counts = np.concatenate(([0], np.cumsum(valid)))
    edges = np.array([o for o in EDGE_OFFSETS if o + EDGE_ROWS <= len(profile)], int)
    if edges.size == 0:
        return 0.0
    starts, ends = np.maximum(0, edges - EDGE_ROWS), edges + EDGE_ROWS
    inside, outside = counts[edges] - counts[starts], counts[ends] - counts[edges]
    level_in = (sums[edges] - sums[starts]) / np.maximum(inside, 1)
    level_out = (sums[ends] - sums[edges]) / np.maximum(outside, 1)
    steps = np.where((inside > 0) & (outside > 0), level_in - level_out, 0.0)
    return float(steps[np.argmax(np.abs(steps))])


def _rect_mask(shape: tuple[int, ...], box: Box, margin: int) -> Mask:
    mask = np.zeros(shape[:2], bool)
    mask[max(0, box[1] - margin) : box[3] + margin, max(0, box[0] - margin) : box[2] + margin] = 1
    return mask


def _stroke(text: Mask) -> float:
    """Mean stroke width: twice the ink area over its outline length."""
    area = float(text.sum())
    eroded = cv2.erode(text.astype(np.uint8), np.ones((3, 3), np.uint8))
    return 2.0 * area / max(area - float(eroded.sum()), 1.0)
