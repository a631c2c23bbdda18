"""Text lines through RapidOCR's recogniser one at a time, on lanes side by side.

Each line is read alone, at its own width: a batch is padded to its widest line, and a line
padded so reads worse, not faster. Over seed 16's 50 cards, against batches of up to three
lines of similar width, 15 of 332 lines read otherwise: 13 by a space, and two place names
that only the lines read alone got right (且末县, 巴音郭楞). On one thread batching saved
nothing (51-53 ms a card with batches of up to 1, 2, 3, 4 or 6 lines, seed 13). In process
the lines run on both lanes (`lanes`), each on a one-thread session, widest first, so that
the lanes end together: 29.4 against 31.2-32.2 ms a card with batches of up to three.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .lanes import lanes

__all__ = ["REC_MIN_RATIO", "Reading", "read_line", "read_lines"]

# The recogniser's input is 48 px high; narrower crops are padded to at least 192 px, or
# short labels read differently. RapidOCR pads to 320 (its training width), which made a
# third of the recognised area padding on a card's short lines; 192 reads the photo
# benchmark the same and recognition costs ~15% less.
REC_MIN_RATIO = 4.0

Crop = npt.NDArray[np.uint8]
Reading = tuple[str, float]
"""A line's text and the recogniser's confidence in it."""


def read_lines(
    read: Callable[[Crop], Reading], crops: Sequence[Crop], side_by_side: bool
) -> list[Reading]:
    """`read` of each crop; with `side_by_side`, on the lanes, widest first."""
    if not side_by_side or len(crops) < 2:
        return [read(crop) for crop in crops]
    widest_first = sorted(range(len(crops)), key=lambda i: -_ratio(crops[i]))
    started = {i: lanes().submit(read, crops[i]) for i in widest_first}
    return [started[i].result() for i in range(len(crops))]


def read_line(rec: Any, crop: Crop) -> Reading:
    """The line in `crop`, read alone by RapidOCR's recogniser stage `rec`."""
    ratio = _ratio(crop)
    width = max(REC_MIN_RATIO, ratio)
    batch = rec.resize_norm_img(crop, width)[np.newaxis]
    lines, _ = rec.postprocess_op(
        rec.session(batch.astype(np.float32)), False, wh_ratio_list=[ratio], max_wh_ratio=width
    )
    text, score = lines[0]
    return str(text), float(score)


def _ratio(crop: Crop) -> float:
    return float(crop.shape[1] / crop.shape[0])
