"""Text lines through RapidOCR's recogniser in batches of similar width, on lanes side by side.

A batch is padded to its widest line, so lines are grouped by width (`rec_batches`), at most
three to a batch: a card's seven to ten lines then make three or four batches, which in
process run on both lanes (`lanes`), each on half the threads (one, on two cores). Seed 13's
51 readings took 51-53 ms each on one thread with batches of up to 1, 2, 3, 4 or 6 lines; on
two lanes 30 ms with up to 3, 33 with up to 6, and 38 with one two-thread session running
batches of up to 6 one after the other. A batch reads the same whichever lane runs it, but a
line can read a little differently in another batch (its score by up to 0.3%, a space more
or less).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .lanes import lanes

__all__ = ["REC_MAX_BATCH", "REC_MAX_PADDING", "REC_MIN_RATIO", "read_lines", "rec_batches"]

# The recogniser's input is 48 px high; narrower crops are padded to at least 192 px, or
# short labels read differently. RapidOCR pads to 320 (its training width), which made a
# third of the recognised area padding on a card's short lines; 192 reads the photo
# benchmark the same and recognition costs ~15% less.
REC_MIN_RATIO = 4.0
REC_MAX_BATCH = 3
# A batch is padded to its widest crop: grouping only crops of similar width keeps the padded
# area within this factor of the real one (one batch of all lines pads ~1.5x, and is slower
# than one call per line).
REC_MAX_PADDING = 1.15

Crop = npt.NDArray[np.uint8]
Reading = tuple[str, float]
"""A line's text and the recogniser's confidence in it."""


def rec_batches(ratios: Sequence[float]) -> list[list[int]]:
    """Indices of crops grouped into recognition batches, narrowest first."""
    groups: list[list[int]] = []
    for index in sorted(range(len(ratios)), key=ratios.__getitem__):
        group = groups[-1] if groups else []
        widths = [_padded_ratio(ratios[i]) for i in (*group, index)]
        if (
            group
            and len(widths) <= REC_MAX_BATCH
            and (len(widths) * max(widths) <= REC_MAX_PADDING * sum(widths))
        ):
            group.append(index)
        else:
            groups.append([index])
    return groups


def read_lines(rec: Any, crops: Sequence[Crop], side_by_side: bool) -> list[Reading]:
    """One reading a crop from RapidOCR's recogniser stage `rec`, in `rec_batches`; with
    `side_by_side`, the batches on the lanes."""
    ratios = [crop.shape[1] / crop.shape[0] for crop in crops]
    batches = rec_batches(ratios)
    if side_by_side and len(batches) > 1:
        # Largest first: a lane that comes free takes the next, so both end close together.
        batches.sort(key=lambda group: -len(group) * _padded_ratio(ratios[group[-1]]))
        started = [lanes().submit(_read_batch, rec, crops, ratios, group) for group in batches]
        batch_readings = [reading.result() for reading in started]
    else:
        batch_readings = [_read_batch(rec, crops, ratios, group) for group in batches]
    readings: list[Reading] = [("", 0.0)] * len(crops)
    for group, batch in zip(batches, batch_readings, strict=True):
        for index, reading in zip(group, batch, strict=True):
            readings[index] = reading
    return readings


def _read_batch(
    rec: Any, crops: Sequence[Crop], ratios: Sequence[float], group: Sequence[int]
) -> list[Reading]:
    widest = _padded_ratio(max(ratios[i] for i in group))
    batch = np.stack([rec.resize_norm_img(crops[i], widest) for i in group])
    lines, _ = rec.postprocess_op(
        rec.session(batch.astype(np.float32)),
        False,
        wh_ratio_list=[ratios[i] for i in group],
        max_wh_ratio=widest,
    )
    return [(str(text), float(score)) for text, score in lines]


def _padded_ratio(ratio: float) -> float:
    return max(REC_MIN_RATIO, ratio)
