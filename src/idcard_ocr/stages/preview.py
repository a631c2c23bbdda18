"""Decode and locate as one step: a large JPEG's cards are located on a preview.

libjpeg decodes a JPEG at a half, a quarter or an eighth of its size for a fraction of a full
decode (`decode.decode_preview`). Locate works at 720 px anyway, so a photo of 2880 px or more
is located on a preview of at least twice that, while a lane decodes the whole photo beside
(in process: libjpeg decodes on one core). A small card's outline spans few of locate's
pixels, and how they were resampled can tip it: a preview of just the work side outlined
far#15 of the far set (seed 11) otherwise, one of twice that merged far#54 with the ground
beside it. So a photo whose best outline is small, or that shows none, is located again on
the full decode.
"""

from __future__ import annotations

import dataclasses

from .. import geometry
from ..lanes import lanes, side_by_side
from .decode import DecodedImage, Preview, decode_image, decode_preview
from .locate import WORK_SIDE, CardCandidate, LocatedCards, locate_cards

PREVIEW_SIDE = 2 * WORK_SIDE
# The far set's cards span 9-18% of the photo's longer side, the photo sets' at least 30%.
SMALL_OUTLINE_SHARE = 0.25


def decode_and_locate(image: bytes) -> tuple[DecodedImage, LocatedCards]:
    """The photo decoded, and the cards in it located (on a preview, when it is a large
    JPEG whose best outline is not small). Locate's time includes the preview's."""
    full = lanes().submit(decode_image, image) if side_by_side() else None
    preview = decode_preview(image, PREVIEW_SIDE)
    located = None if preview is None else _located_on(preview)
    decoded = full.result() if full is not None else decode_image(image)
    if located is not None and _large_outline(located.candidates[0], decoded.pixels.shape):
        return decoded, located
    spent = 0.0 if located is None else located.elapsed_ms
    relocated = locate_cards(decoded.pixels)
    return decoded, dataclasses.replace(relocated, elapsed_ms=relocated.elapsed_ms + spent)


def _located_on(preview: Preview) -> LocatedCards:
    located = locate_cards(preview.pixels, frame=preview.full_size)
    return dataclasses.replace(located, elapsed_ms=located.elapsed_ms + preview.elapsed_ms)


def _large_outline(candidate: CardCandidate, shape: tuple[int, ...]) -> bool:
    """Whether `candidate` is an outline spanning SMALL_OUTLINE_SHARE of the photo's longer
    side or more."""
    span = max(geometry.side_lengths(candidate.quad))
    return not candidate.whole_frame and span >= SMALL_OUTLINE_SHARE * max(shape[:2])
